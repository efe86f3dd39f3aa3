package io.nott.registry.unit.service;

import io.nott.registry.error.Problem;
import io.nott.registry.error.RegistryException;
import io.nott.registry.unit.LegacyUnit;
import io.nott.registry.unit.StoredUnit;
import io.nott.registry.unit.UnitPatch;
import io.nott.registry.unit.UnitRequest;
import io.nott.registry.unit.UnitSet;
import io.nott.registry.unit.UnitSpec;
import io.nott.registry.unit.repository.HistoryEntry;
import io.nott.registry.unit.repository.LegacyRepository;
import io.nott.registry.unit.repository.UnitRepository;
import io.nott.registry.unit.repository.UnitRepository.Committed;
import io.nott.registry.unit.UnitWritten;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/** The registry's write rules: validate, check preconditions inside the transaction, commit, publish. */
@ApplicationScoped
public class UnitService {

    private static final Logger LOG = Logger.getLogger(UnitService.class);

    private final UnitRepository units;
    private final LegacyRepository legacy;
    private final UnitValidation validation;
    private final ChangePublisher publisher;
    private final Event<UnitWritten> written;

    private final int maxCodeBytes;
    private final int maxSetUnits;

    public UnitService(UnitRepository units, LegacyRepository legacy, UnitValidation validation,
            ChangePublisher publisher, io.nott.registry.config.RegistryConfig config, Event<UnitWritten> written) {
        this.maxCodeBytes = config.maxCodeBytes();
        this.maxSetUnits = config.maxSetUnits();
        this.written = written;
        this.units = units;
        this.legacy = legacy;
        this.validation = validation;
        this.publisher = publisher;
    }

    /** Creates or replaces a unit; {@code created} tells which. */
    public record PutResult(Committed committed, boolean created) {
    }

    public PutResult put(String id, UnitRequest request, Preconditions preconditions, String actor) {
        UnitSpec spec = validation.validate(id, request);
        requireId(id);
        boolean[] created = new boolean[1];
        Committed committed = units.commit(id, actor, current -> {
            preconditions.check(id, current.unit());
            created[0] = current.unit().isEmpty();
            return new UnitRepository.Change(spec, created[0] ? "create" : "update",
                    (created[0] ? "created " : "replaced ") + spec.phase().luaName() + " unit");
        });
        publisher.publish(committed.notice());
        // a canary starts its rollout here (the rollout package listens; it depends on this one, not back)
        written.fire(new UnitWritten(committed.unit().orElseThrow(), request.rollout(), actor));
        return new PutResult(committed, created[0]);
    }

    public Committed patch(String id, UnitPatch patch, Preconditions preconditions, String actor) {
        requireId(id);
        if (patch == null || (patch.enabled() == null && patch.sampling() == null && patch.order() == null
                && patch.hosts() == null && patch.paths() == null)) {
            throw RegistryException.badRequest(null, "Send at least one of enabled, sampling, order, hosts, paths");
        }
        List<Problem> problems = validation.patchProblems(id, patch.hosts(), patch.paths(), patch.sampling());
        if (!problems.isEmpty()) {
            throw RegistryException.invalid(problems);
        }
        Committed committed = units.commit(id, actor, current -> {
            StoredUnit existing = current.unit().orElseThrow(() -> RegistryException.notFound("No unit " + id));
            preconditions.check(id, current.unit());
            UnitSpec spec = existing.spec();
            List<String> changes = new ArrayList<>();
            if (patch.enabled() != null) {
                spec = spec.withEnabled(patch.enabled());
                changes.add("enabled=" + patch.enabled());
            }
            if (patch.sampling() != null) {
                spec = spec.withSampling(patch.sampling());
                changes.add("sampling=" + patch.sampling());
            }
            if (patch.order() != null) {
                spec = spec.withOrder(patch.order());
                changes.add("order=" + patch.order());
            }
            if (patch.hosts() != null) {
                spec = spec.withHosts(patch.hosts());
                changes.add("hosts=" + patch.hosts());
            }
            if (patch.paths() != null) {
                spec = spec.withPaths(patch.paths());
                changes.add("paths=" + patch.paths());
            }
            return new UnitRepository.Change(spec, "patch", String.join(", ", changes));
        });
        publisher.publish(committed.notice());
        return committed;
    }

    /**
     * Deletes the registry unit {@code id}; when there is none, deletes the legacy (seed-format)
     * unit of that id, which {@code GET /units} lists too. A legacy id need not follow the
     * registry's id rules: the seed accepted any key name.
     */
    public Committed delete(String id, Preconditions preconditions, String actor) {
        boolean legacyExists = id != null && legacy.find(id).isPresent();
        if (!legacyExists) {
            requireId(id);
        }
        boolean legacyDelete = legacyExists && units.find(id).isEmpty();
        if (legacyDelete) {
            // The legacy keys go first, so that the version bump below (which makes the edges sync
            // at once) is only seen after they are gone. If the commit then fails, the unit is
            // gone without an audit entry; a repeated DELETE answers 404.
            preconditions.check(id, Optional.empty());
            legacy.remove(id);
        }
        Committed committed = units.commit(id, actor, current -> {
            if (current.unit().isEmpty() && !legacyDelete) {
                throw RegistryException.notFound("No unit " + id);
            }
            if (legacyDelete) {
                if (current.unit().isPresent()) {
                    throw RegistryException.conflict("The legacy unit " + id + " is deleted, but a registry unit " + id
                            + " was created meanwhile and stays; delete it again to remove that one");
                }
                return new UnitRepository.Change(null, "delete-legacy", "deleted legacy (coding_units) unit");
            }
            preconditions.check(id, current.unit());
            return new UnitRepository.Change(null, "delete", "deleted unit");
        });
        publisher.publish(committed.notice());
        return committed;
    }

    /** Writes the content of an earlier version as a new version (a deleted unit comes back). */
    public Committed rollback(String id, long toVersion, Preconditions preconditions, String actor) {
        requireId(id);
        HistoryEntry target = units.history(id).stream().filter(e -> e.version() == toVersion).findFirst()
                .orElseThrow(() -> RegistryException.notFound("Unit " + id + " has no version " + toVersion
                        + " in its history; GET /api/v1/units/" + id + "/versions lists them"));
        if (target.deleted()) {
            throw RegistryException.badRequest("version", "Version " + toVersion + " of " + id
                    + " is a delete; roll back to a version that has content");
        }
        Committed committed = units.commit(id, actor, current -> {
            preconditions.check(id, current.unit());
            return new UnitRepository.Change(target.unit(), "rollback", "rolled back to version " + toVersion);
        });
        publisher.publish(committed.notice());
        return committed;
    }

    /**
     * Imports a seed-format unit into the registry format (create only), then removes the
     * legacy key unless asked to keep it. The removal touches other slots, so it runs after the
     * commit: if it fails the unit exists in both formats and the import can be repeated.
     */
    public Committed importLegacy(String id, boolean keepLegacy, String actor) {
        requireId(id);
        LegacyUnit found = legacy.find(id).orElseThrow(() -> RegistryException.notFound("No legacy unit " + id
                + " in coding_units"));
        if (found.spec() == null) {
            throw RegistryException.badRequest("legacy", "Legacy unit " + id + " cannot be imported: " + found.problem());
        }
        List<Problem> problems = validation.problems(id, asRequest(found.spec()));
        if (!problems.isEmpty()) {
            throw RegistryException.invalid(problems);
        }
        Committed committed = units.commit(id, actor, current -> {
            if (current.unit().isPresent()) {
                throw RegistryException.conflict("Unit " + id + " already exists in the registry format at version "
                        + current.unit().get().version() + "; delete it first or keep the legacy unit");
            }
            return new UnitRepository.Change(found.spec(), "import", "imported from the legacy coding_units format");
        });
        publisher.publish(committed.notice());
        if (!keepLegacy) {
            legacy.remove(id);
        }
        return committed;
    }

    /**
     * Makes the registry's units exactly those of {@code set}, atomically: every unit is checked
     * first and all problems are reported by id (nothing is written then); If-Match is checked on
     * the global version inside the transaction.
     */
    public UnitRepository.Applied applyAll(UnitSet set, Preconditions preconditions, String actor) {
        if (set == null || set.units() == null) {
            throw RegistryException.badRequest("units", "Send {\"units\": [...]}, e.g. what GET /api/v1/units/export answers");
        }
        if (set.units().size() > maxSetUnits) {
            throw RegistryException.tooLarge("units", "The set has " + set.units().size() + " units; one apply takes at most "
                    + maxSetUnits + " (registry.max-set-units). Nothing was applied: raise the setting (the commit "
                    + "holds the {cu} Redis node longer), or write units one by one with PUT /api/v1/units/{id}");
        }
        long started = System.nanoTime();
        int size = set.units().size();
        // Per entry, in the set's order: the problems found, and whether its unit is to be compiled.
        List<List<Problem>> found = new ArrayList<>(size);
        List<Integer> toCheck = new ArrayList<>(size);
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (int i = 0; i < size; i++) {
            UnitRequest request = set.units().get(i);
            String id = request == null ? null : request.id();
            String where = "units[" + (id == null ? String.valueOf(i) : id) + "]";
            found.add(List.of());
            if (request == null) {
                found.set(i, List.of(new Problem(where, "entry " + i + " is null; send a unit object")));
            } else if (id == null || !UnitValidation.ID.matcher(id).matches() || RESERVED.contains(id)) {
                found.set(i, List.of(new Problem(where + ".id", "entry " + i + ": every unit of a set names its id, matching "
                        + UnitValidation.ID.pattern() + " and not " + RESERVED)));
            } else if (!seen.add(id)) {
                found.set(i, List.of(new Problem(where + ".id", id + " appears more than once in the set")));
            } else {
                int bytes = request.code() == null ? 0 : request.code().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
                if (bytes > maxCodeBytes) {
                    found.set(i, List.of(new Problem(where + ".code", id + ": code is " + bytes + " bytes; the limit is "
                            + maxCodeBytes + " bytes (registry.max-code-bytes)")));
                } else {
                    toCheck.add(i);
                }
            }
        }
        // Checking compiles every unit: on every core, since 10,000 of them took seconds on one
        // (issue #17). The compiler and validator are stateless; each entry's result has its own slot.
        UnitSpec[] checkedSpecs = new UnitSpec[size];
        toCheck.parallelStream().forEach(i -> {
            UnitRequest request = set.units().get(i);
            String where = "units[" + request.id() + "]";
            List<Problem> own = new ArrayList<>();
            for (Problem p : validation.problems(request.id(), request)) {
                own.add(new Problem(p.field() == null ? where : where + "." + p.field(), request.id() + ": " + p.message(), p.line()));
            }
            if (own.isEmpty()) {
                checkedSpecs[i] = validation.normalised(request.id(), request);
            }
            found.set(i, own);
        });
        List<Problem> problems = new ArrayList<>();
        java.util.Map<String, UnitSpec> specs = new java.util.LinkedHashMap<>();
        for (int i = 0; i < size; i++) {
            problems.addAll(found.get(i));
            if (checkedSpecs[i] != null) {
                specs.put(set.units().get(i).id(), checkedSpecs[i]);
            }
        }
        if (!problems.isEmpty()) {
            throw RegistryException.invalidSet(problems);
        }
        long checked = System.nanoTime();
        UnitRepository.Applied applied = units.applyAll(specs.values(), actor, preconditions::checkGlobal);
        if (applied.notice() != null) {
            publisher.publish(applied.notice());
        }
        // Where a large apply spends its time (issue #17 sizes the limit on it): checking compiles every unit.
        LOG.infof("Bulk apply by %s: %d units checked in %d ms, applied as version %d in %d ms (%d created, %d replaced, "
                + "%d deleted, %d unchanged)", actor, specs.size(), (checked - started) / 1_000_000, applied.version(),
                (System.nanoTime() - checked) / 1_000_000, applied.changes().created().size(),
                applied.changes().updated().size(), applied.changes().deleted().size(), applied.changes().unchanged());
        return applied;
    }

    /** Every registry unit as one document, at one global version. */
    public UnitSet export() {
        UnitRepository.Listing listing = units.list();
        return new UnitSet(listing.version(), listing.units().stream().map(u -> asRequest(u.spec())).toList());
    }

    static UnitRequest asRequest(UnitSpec s) {
        return new UnitRequest(s.id(), s.phase().luaName(), s.code(), s.hosts(), s.paths(), s.sampling(), s.samplingKey(),
                s.order(), s.enabled(), new UnitRequest.Budget(s.budget().instructions(), s.budget().wallMillis()),
                s.failure().wireName(), s.canary() == null ? null
                : new UnitRequest.Canary(s.canary().code(), s.canary().percent(), s.canary().key()), null);
    }

    /** Path words of the API that can therefore not be unit ids. */
    private static final java.util.Set<String> RESERVED = java.util.Set.of("validate", "test", "export");

    private static void requireId(String id) {
        if (id == null || !UnitValidation.ID.matcher(id).matches()) {
            throw RegistryException.badRequest("id", "id must match " + UnitValidation.ID.pattern());
        }
        if (RESERVED.contains(id)) {
            throw RegistryException.badRequest("id", "'" + id + "' is an API path word and cannot be a unit id");
        }
    }
}
