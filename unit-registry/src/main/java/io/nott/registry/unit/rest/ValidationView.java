package io.nott.registry.unit.rest;

import io.nott.registry.error.Problem;
import java.util.List;

/** {@code POST /units/validate}: whether the unit is valid and every problem (Lua errors with their line). */
public record ValidationView(boolean valid, List<Problem> problems) {
}
