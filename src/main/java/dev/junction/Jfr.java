package dev.junction;

/**
 * Whether Junction's JDK Flight Recorder events may be recorded, as one check the hot paths make before doing
 * anything for JFR ({@link #on()}): while no recording runs (and always if {@code jdk.jfr} is not in the runtime),
 * a commit or a lock acquisition pays a few plain and volatile reads and allocates nothing for it. The events
 * themselves are in {@link JfrEvents}, loaded only once a recording has run.
 *
 * <h2>Design notes</h2>
 * <ul>
 *   <li><b>Why a flag of our own.</b> {@code Event.shouldCommit()} needs the event object first, and whether it is
 *       allocated then depends on the JIT's escape analysis (not in the interpreter, not always in C1). A
 *       {@code FlightRecorderListener} keeps {@link #on} equal to "some recording is running"; events are then
 *       still filtered by {@code shouldCommit()} (enabled, threshold).</li>
 *   <li><b>Installed late.</b> Registering that listener costs tens of milliseconds (it brings up JFR's internals),
 *       which a JVM that never records should not pay. Every recording initializes the flight recorder first, so
 *       until then {@link #on()} asks {@code FlightRecorder.isInitialized()} (a field read) and installs the
 *       listener the first time it is true: the JVMs that pay are those that record.</li>
 *   <li><b>No hard dependency.</b> This class names no {@code jdk.jfr} type: if the module is missing or not
 *       readable (the module requires it statically), {@link JfrProbe} fails to link, the failure is swallowed
 *       here, and there are no events.</li>
 * </ul>
 */
final class Jfr {

    private Jfr() {
    }

    /** Whether a flight recording is running, once {@link #watching}. */
    static volatile boolean on;
    /** Whether the listener that keeps {@link #on} is installed. */
    private static volatile boolean watching;
    /** Whether {@code jdk.jfr} is there and readable by this module. */
    private static final boolean AVAILABLE = probe();

    private static boolean probe() {
        try {
            return JfrProbe.readable();
        } catch (LinkageError | SecurityException e) {
            return false; // no jdk.jfr, or not readable by this module: no events, nothing else changes
        }
    }

    /** Whether a recording runs (so events should be created); allocates nothing. */
    static boolean on() {
        if (on) return true;
        if (watching || !AVAILABLE || !JfrProbe.initialized()) return false;
        return watch();
    }

    /** The flight recorder is up: installs the listener (once), which sets {@link #on}. */
    private static synchronized boolean watch() {
        if (!watching) {
            try {
                JfrEvents.install();
            } catch (LinkageError | SecurityException | IllegalStateException e) {
                on = false; // JFR refuses (a security manager, or not available after all): no events
            }
            watching = true;
        }
        return on;
    }
}
