package dev.junction.pg;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A decoder of the messages of PostgreSQL's built-in logical decoding plugin {@code pgoutput}, protocol version 1
 * (PostgreSQL 10 and later; "Logical Replication Message Formats" in the protocol chapter of the manual): BEGIN,
 * COMMIT, RELATION, INSERT, UPDATE, DELETE, TRUNCATE, plus ORIGIN and TYPE, which carry nothing this replica needs.
 * Values come in text format (the plugin's {@code binary} option is not asked for).
 *
 * <p>Design notes: written here rather than taken from a library because the format is small and stable (a
 * dozen fixed layouts), the Java libraries that decode it are young, unmaintained or pull in frameworks, and decoding
 * into reused {@link Fields} lets a change be applied without allocating. One decoder per stream, used by one
 * thread; {@link #decode} hands each message to a {@link Handler}. A message of an unknown type, or one that ends
 * early, is a {@link ProtocolException}: the stream and this decoder disagree, and nothing of it is applied.
 */
final class Pgoutput {

    /** What a decoded message asks for; one call per message, in stream order. */
    interface Handler {
        void begin(long finalLsn, long commitTimeMicros, int xid);

        void relation(RelationInfo relation);

        void insert(int relationId, Fields newTuple);

        /** {@code old} is null when the replica identity did not change ('K') and the table is not REPLICA IDENTITY FULL. */
        void update(int relationId, Fields old, Fields newTuple);

        void delete(int relationId, Fields old);

        void truncate(int[] relationIds, boolean cascade, boolean restartIdentity);

        void commit(long commitLsn, long endLsn, long commitTimeMicros);
    }

    /** A RELATION message: a table's name and columns as the stream describes them from now on. */
    record RelationInfo(int id, String namespace, String name, char replicaIdentity, String[] columns, int[] types,
                        boolean[] key) {
        int indexOf(String column) {
            for (int i = 0; i < columns.length; i++) if (columns[i].equals(column)) return i;
            return -1;
        }

        String qualifiedName() {
            return namespace + "." + name;
        }
    }

    /** The stream does not follow the format. */
    static final class ProtocolException extends RuntimeException {
        ProtocolException(String message) {
            super(message);
        }
    }

    private final Fields first = new Fields();
    private final Fields second = new Fields();
    private byte[] a;
    private int p;
    private int end;

    /** Decodes one message (the payload of one XLogData) and calls {@code h}. */
    void decode(ByteBuffer message, Handler h) {
        if (!message.hasArray()) {
            byte[] copy = new byte[message.remaining()];
            message.duplicate().get(copy);
            message = ByteBuffer.wrap(copy);
        }
        a = message.array();
        p = message.arrayOffset() + message.position();
        end = message.arrayOffset() + message.limit();
        byte type = byte1();
        switch (type) {
            case 'B' -> {
                long finalLsn = int64();
                long ts = int64();
                int xid = int32();
                h.begin(finalLsn, ts + TextValues.PG_EPOCH_MICROS, xid);
            }
            case 'C' -> {
                byte1(); // flags, unused
                long commitLsn = int64();
                long endLsn = int64();
                long ts = int64();
                h.commit(commitLsn, endLsn, ts + TextValues.PG_EPOCH_MICROS);
            }
            case 'R' -> h.relation(relation());
            case 'I' -> {
                int rel = int32();
                expect('N');
                tuple(first);
                h.insert(rel, first);
            }
            case 'U' -> {
                int rel = int32();
                byte b = byte1();
                Fields old = null;
                if (b == 'K' || b == 'O') {
                    tuple(first);
                    old = first;
                    b = byte1();
                }
                if (b != 'N') throw new ProtocolException("UPDATE: expected 'N', got '" + (char) b + "'");
                tuple(second);
                h.update(rel, old, second);
            }
            case 'D' -> {
                int rel = int32();
                byte b = byte1();
                if (b != 'K' && b != 'O') throw new ProtocolException("DELETE: expected 'K' or 'O', got '" + (char) b + "'");
                tuple(first);
                h.delete(rel, first);
            }
            case 'T' -> {
                int n = int32();
                int options = byte1();
                if (n < 0 || n > (end - p) / 4) throw new ProtocolException("TRUNCATE of " + n + " relations");
                int[] rels = new int[n];
                for (int i = 0; i < n; i++) rels[i] = int32();
                h.truncate(rels, (options & 1) != 0, (options & 2) != 0);
            }
            case 'O', 'Y' -> {
                // ORIGIN (the transaction came from another node) and TYPE (a non-built-in type's name): nothing to do
            }
            default -> throw new ProtocolException("unknown pgoutput message type '" + (char) type + "' (" + type + ")");
        }
    }

    private RelationInfo relation() {
        int id = int32();
        String ns = string();
        String name = string();
        char identity = (char) byte1();
        int n = int16();
        if (n < 0) throw new ProtocolException("RELATION with " + n + " columns");
        String[] cols = new String[n];
        int[] types = new int[n];
        boolean[] key = new boolean[n];
        for (int i = 0; i < n; i++) {
            key[i] = (byte1() & 1) != 0;
            cols[i] = string();
            types[i] = int32();
            int32(); // type modifier
        }
        return new RelationInfo(id, ns.isEmpty() ? "pg_catalog" : ns, name, identity, cols, types, key);
    }

    private void tuple(Fields f) {
        int n = int16();
        f.reset(a, n);
        for (int i = 0; i < n; i++) {
            byte kind = byte1();
            f.kind[i] = kind;
            switch (kind) {
                case 'n', 'u' -> {
                    f.off[i] = p;
                    f.len[i] = 0;
                }
                case 't', 'b' -> {
                    int len = int32();
                    if (len < 0 || len > end - p) throw new ProtocolException("column value of " + len + " bytes");
                    if (kind == 'b') throw new ProtocolException("binary column value (the binary option was not asked for)");
                    f.off[i] = p;
                    f.len[i] = len;
                    p += len;
                }
                default -> throw new ProtocolException("unknown TupleData kind '" + (char) kind + "'");
            }
        }
    }

    private void expect(char c) {
        byte b = byte1();
        if (b != c) throw new ProtocolException("expected '" + c + "', got '" + (char) b + "'");
    }

    private byte byte1() {
        need(1);
        return a[p++];
    }

    private int int16() {
        need(2);
        int v = (a[p] & 0xff) << 8 | (a[p + 1] & 0xff);
        p += 2;
        return v;
    }

    private int int32() {
        need(4);
        int v = (a[p] & 0xff) << 24 | (a[p + 1] & 0xff) << 16 | (a[p + 2] & 0xff) << 8 | (a[p + 3] & 0xff);
        p += 4;
        return v;
    }

    private long int64() {
        long hi = int32() & 0xffffffffL;
        long lo = int32() & 0xffffffffL;
        return hi << 32 | lo;
    }

    private String string() {
        int start = p;
        while (p < end && a[p] != 0) p++;
        if (p >= end) throw new ProtocolException("unterminated string");
        String s = new String(a, start, p - start, StandardCharsets.UTF_8);
        p++;
        return s;
    }

    private void need(int n) {
        if (end - p < n) throw new ProtocolException("message ends early");
    }
}
