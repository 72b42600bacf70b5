package dev.junction;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * How a snapshot writes and reads values of one class: the entities of tables and the values of object columns
 * whose class is not built in. Built in are {@code String}, {@code Long}, {@code Integer}, {@code Double},
 * {@code Boolean}, {@code LocalDate}, {@code LocalTime}, {@code LocalDateTime}, {@code Instant},
 * {@code OffsetDateTime}, {@code ZonedDateTime} (zone id kept), {@code Duration}, {@code UUID}, {@code BigDecimal}
 * (exact scale kept), {@code BigInteger}, every enum (written by constant name, so reordering constants keeps files
 * valid) and every record whose components are built-in or registered values, recursively (written through its
 * accessors and canonical constructor; null components are kept). Register a codec with
 * {@link Junction#registerCodec} before {@link Junction#save} and {@link Junction#load} for any other class. A
 * registered codec takes precedence over the built-ins for its class (except the first five), for writing; a file
 * says how each value was written, so reading never guesses. A snapshot names the codecs it used by their class's
 * name. The formats are described in {@code docs/persistence-format.md}.
 *
 * <p>A journaled engine ({@link Persistence}) needs the codecs on every commit that adds such an entity or
 * value (a commit that cannot be encoded fails and rolls back), and on open.
 *
 * <p>{@code read} must return a value equal to the one {@code write} was given, reading exactly the bytes it
 * wrote. Implementations are called under the engine's write lock (load, journaled commits, recovery) or a read
 * view (save): they must not use the engine. Saves in read views may run on several threads at once, so a codec
 * must be thread-safe (a stateless one is).
 *
 * @param <T> the class of the values
 */
public interface ValueCodec<T> {

    /** The class of the values this codec writes (matched exactly, not by subtype). */
    Class<T> type();

    /**
     * Writes {@code value} (never null).
     *
     * @throws IOException if writing to {@code out} fails
     */
    void write(T value, DataOutput out) throws IOException;

    /**
     * Reads a value written by {@link #write}.
     *
     * @throws IOException if reading from {@code in} fails or the input ends early
     */
    T read(DataInput in) throws IOException;
}
