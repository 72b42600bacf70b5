package dev.junction;

/**
 * Whether Junction's JDK Flight Recorder events may be recorded, as one static flag the hot paths read before doing
 * anything for JFR: while no recording runs (and always if {@code jdk.jfr} is not in the runtime), a commit or a
 * lock acquisition pays one volatile read and allocates nothing for it. The events themselves are in
 * {@link JfrEvents}, loaded only once the flag is up.
 *
 * <h2>Design notes</h2>
 * <ul>
 *   <li><b>Why a flag of our own.</b> {@code Event.shouldCommit()} needs the event object first, and whether it is
 *       allocated then depends on the JIT's escape analysis (not in the interpreter, not always in C1). A
 *       {@code FlightRecorderListener}, registered when this class initializes, keeps {@link #on} equal to "some
 *       recording is running"; registering it does not start or initialize JFR. Events are then still filtered by
 *       {@code shouldCommit()} (enabled, threshold), so a recording that excludes them costs an allocation per
 *       operation only while it runs.</li>
 *   <li><b>No hard dependency.</b> This class names no {@code jdk.jfr} type: if the module is missing or not
 *       readable (the module requires it statically), {@link JfrEvents#install} fails to link, the failure is
 *       swallowed here, and {@link #on} stays false for good.</li>
 * </ul>
 */
final class Jfr {

    private Jfr() {
    }

    /** Whether a flight recording is running: only then do the hot paths create events. */
    static volatile boolean on;

    static {
        try {
            JfrEvents.install();
        } catch (LinkageError | SecurityException | IllegalStateException e) {
            on = false; // no jdk.jfr, or not readable by this module: no events, nothing else changes
        }
    }
}
