package io.nott.unit.sandbox;

/**
 * Ends a unit call from inside Lua. An {@link Error}, not an exception, on purpose: LuaJ's
 * {@code pcall}/{@code xpcall} catch {@code LuaError} and {@code Exception} only, so a unit can
 * neither catch nor swallow these. No stack trace: they are control flow, thrown often.
 */
public abstract sealed class UnitAbort extends Error
        permits UnitAbort.BudgetExceeded, UnitAbort.ResourceLimitExceeded, UnitAbort.Overloaded, UnitAbort.Exit {

    UnitAbort(String message) {
        super(message, null, false, false);
    }

    /** The instruction or wall-clock budget ran out: a {@code timeout} outcome. */
    public static final class BudgetExceeded extends UnitAbort {
        public BudgetExceeded(String message) {
            super(message);
        }
    }

    /** Too deep, too big or too much memory: an {@code error} outcome. */
    public static final class ResourceLimitExceeded extends UnitAbort {
        public ResourceLimitExceeded(String message) {
            super(message);
        }
    }

    /**
     * The node could not grant the memory the call went on to use ({@link MemoryLease}): an
     * {@code overloaded} outcome, like a call refused at admission.
     */
    public static final class Overloaded extends UnitAbort {
        public Overloaded(String message) {
            super(message);
        }
    }

    /** {@code ngx.exit(status)} / {@code ngx.redirect}: ends the unit (status 0) or the phase. */
    public static final class Exit extends UnitAbort {
        private final int status;

        public Exit(int status) {
            super("ngx.exit(" + status + ")");
            this.status = status;
        }

        public int status() {
            return status;
        }
    }
}
