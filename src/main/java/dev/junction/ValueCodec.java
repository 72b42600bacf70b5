package dev.junction;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * How a snapshot writes and reads values of one class: the entities of tables whose entities are not
 * {@code String}, {@code Long}, {@code Integer}, {@code Double} or {@code Boolean} (which are built in), and the
 * values of object columns of such classes. Register one with {@link Junction#registerCodec} before
 * {@link Junction#save} and {@link Junction#load}; a snapshot names the codecs it used by their class's name.
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
