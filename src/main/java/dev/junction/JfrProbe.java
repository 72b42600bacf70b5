package dev.junction;

import jdk.jfr.FlightRecorder;

/** The two questions {@link Jfr} asks of {@code jdk.jfr} before it loads anything else of it. */
final class JfrProbe {

    private JfrProbe() {
    }

    /** Whether this module reads {@code jdk.jfr}; throws a {@link LinkageError} if the module is missing. */
    static boolean readable() {
        return JfrProbe.class.getModule().canRead(FlightRecorder.class.getModule());
    }

    /** Whether the flight recorder was brought up (every recording does so first); a field read. */
    static boolean initialized() {
        return FlightRecorder.isInitialized();
    }
}
