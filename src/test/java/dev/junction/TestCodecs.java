package dev.junction;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/** The tests' {@link ValueCodec}s, each made of a writer and a reader instead of an anonymous class of three methods. */
final class TestCodecs {

    private TestCodecs() {
    }

    /** Writes a value, as {@link ValueCodec#write} does. */
    @FunctionalInterface
    interface Writer<T> {
        void write(T value, DataOutput out) throws IOException;
    }

    /** Reads a value, as {@link ValueCodec#read} does. */
    @FunctionalInterface
    interface Reader<T> {
        T read(DataInput in) throws IOException;
    }

    /** A codec for {@code type} that writes with {@code writer} and reads with {@code reader}. */
    static <T> ValueCodec<T> of(Class<T> type, Writer<T> writer, Reader<T> reader) {
        return new ValueCodec<>() {
            @Override
            public Class<T> type() {
                return type;
            }

            @Override
            public void write(T value, DataOutput out) throws IOException {
                writer.write(value, out);
            }

            @Override
            public T read(DataInput in) throws IOException {
                return reader.read(in);
            }
        };
    }
}
