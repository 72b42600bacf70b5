package dev.junction;

import dev.junction.index.IntRelation;
import java.nio.charset.StandardCharsets;

/**
 * Every constant of the on-disk formats, with its explicit value: snapshots (version 2, and version 1 still read)
 * and the journal (version 4, and versions 2 and 3 still read), described in {@code docs/persistence-format.md}
 * and pinned by the golden files under {@code src/test/resources/golden}.
 *
 * <h2>Design notes</h2>
 * <ul>
 *   <li><b>No in-memory value reaches a file.</b> Enum ordinals, the transaction log's change kinds and the
 *       column store's type codes may be reordered or renumbered freely: they cross to and from the wire only
 *       through the explicit mappings here ({@link #relationKindCode}, {@link #columnTypeCode}), whose
 *       {@code switch}es fail to compile if a constant is added without a code.</li>
 *   <li><b>A format change</b> is a new version number here, a reader for the old one (or a clear refusal), and a
 *       new golden file.</li>
 * </ul>
 */
final class PersistenceFormat {

    private PersistenceFormat() {
    }

    // ---- shared by both formats -------------------------------------------------------------------------

    /**
     * Tags of a value written with its type ({@link WireBytes.Sink#value}). {@code VALUE_CODEC} is a value of an
     * entry of the class table (a registered codec's, an enum's or a record's). Tags 7 to 16 (the fixed
     * built-ins, {@link ValueClasses}) exist from snapshot version 2 and journal version 4 on.
     */
    static final int VALUE_NULL = 0, VALUE_STRING = 1, VALUE_LONG = 2, VALUE_INT = 3, VALUE_DOUBLE = 4,
            VALUE_BOOLEAN = 5, VALUE_CODEC = 6, VALUE_LOCAL_DATE = 7, VALUE_LOCAL_TIME = 8, VALUE_LOCAL_DATE_TIME = 9,
            VALUE_INSTANT = 10, VALUE_OFFSET_DATE_TIME = 11, VALUE_ZONED_DATE_TIME = 12, VALUE_DURATION = 13,
            VALUE_UUID = 14, VALUE_BIG_DECIMAL = 15, VALUE_BIG_INTEGER = 16;
    /** The highest tag of the current versions. */
    static final int VALUE_MAX = VALUE_BIG_INTEGER;

    /**
     * Kinds of a class table entry (snapshot version 2, journal version 4 on; before, every entry was a codec):
     * a registered {@link ValueCodec}, an enum written by constant name, a record written component by component.
     */
    static final int CLASS_CODEC = 0, CLASS_ENUM = 1, CLASS_RECORD = 2;

    /** Column types. */
    static final int COLUMN_LONG = 0, COLUMN_INT = 1, COLUMN_DOUBLE = 2, COLUMN_BOOLEAN = 3, COLUMN_OBJECT = 4;

    /** Relation kinds. */
    static final int RELATION_BIPARTITE = 0, RELATION_DIRECTED = 1, RELATION_SYMMETRIC = 2;

    /** The wire code of a relation kind. */
    static int relationKindCode(IntRelation.Kind kind) {
        return switch (kind) {
            case BIPARTITE -> RELATION_BIPARTITE;
            case DIRECTED -> RELATION_DIRECTED;
            case SYMMETRIC -> RELATION_SYMMETRIC;
        };
    }

    /** The relation kind of a wire code, or null if the code is unknown. */
    static IntRelation.Kind relationKind(int code) {
        return switch (code) {
            case RELATION_BIPARTITE -> IntRelation.Kind.BIPARTITE;
            case RELATION_DIRECTED -> IntRelation.Kind.DIRECTED;
            case RELATION_SYMMETRIC -> IntRelation.Kind.SYMMETRIC;
            default -> null;
        };
    }

    /** The wire code of a column store's type. */
    static int columnTypeCode(byte storeType) {
        return switch (storeType) {
            case ColumnStore.LONG -> COLUMN_LONG;
            case ColumnStore.INT -> COLUMN_INT;
            case ColumnStore.DOUBLE -> COLUMN_DOUBLE;
            case ColumnStore.BOOLEAN -> COLUMN_BOOLEAN;
            case ColumnStore.OBJECT -> COLUMN_OBJECT;
            default -> throw new AssertionError("column type " + storeType);
        };
    }

    /** The column store's type of a wire code, or -1 if the code is unknown. */
    static byte columnStoreType(int code) {
        return switch (code) {
            case COLUMN_LONG -> ColumnStore.LONG;
            case COLUMN_INT -> ColumnStore.INT;
            case COLUMN_DOUBLE -> ColumnStore.DOUBLE;
            case COLUMN_BOOLEAN -> ColumnStore.BOOLEAN;
            case COLUMN_OBJECT -> ColumnStore.OBJECT;
            default -> -1;
        };
    }

    // ---- snapshots --------------------------------------------------------------------------------------

    static final byte[] SNAPSHOT_MAGIC = "JUNCTION".getBytes(StandardCharsets.US_ASCII);
    /**
     * Version 2: the class table has kinds (enums, records), values have the built-in tags 7 to 16, relations and
     * association tables name their tables, columns their defaults and classes, and TABLE payloads have a flags
     * byte ({@link #TABLE_FLAG_NEVER_REUSE}).
     */
    static final int SNAPSHOT_VERSION = 2;
    /** The oldest snapshot version still read (version 1: a class table of codec names only, tags 0 to 6). */
    static final int SNAPSHOT_VERSION_OLDEST_READ = 1;
    /** Magic, version, flags, header checksum. */
    static final int SNAPSHOT_HEADER = 20;
    /** Type, payload length, payload checksum, header checksum. */
    static final int SECTION_HEADER = 20;

    /** Section types. */
    static final int SECTION_CODECS = 1, SECTION_TABLE = 2, SECTION_RELATION = 3, SECTION_ASSOCIATION = 4,
            SECTION_END = 0x454E44; // "END"

    /** Table kinds: entities as tagged values, {@code long} keys, association rows (no entity). */
    static final int TABLE_OBJECTS = 0, TABLE_LONGS = 1, TABLE_ROWS = 2;

    /**
     * Table flags (version 2 on): the table never reuses ids ({@link IdPolicy#NEVER_REUSE}), so its free list is
     * empty and ids below the high-water mark that are not live are retired. Other bits must be 0.
     */
    static final int TABLE_FLAG_NEVER_REUSE = 1;

    /** The flags byte of a table. */
    static int tableFlags(AbstractTable<?> table) {
        return table.neverReuse ? TABLE_FLAG_NEVER_REUSE : 0;
    }

    // ---- the journal ------------------------------------------------------------------------------------

    static final byte[] JOURNAL_MAGIC = "JNCTJRNL".getBytes(StandardCharsets.US_ASCII);
    /**
     * Version 4: the class table and value tags of snapshot version 2, and records may replace entities
     * ({@link #OP_REPLACE}). Version 3: each record says how far the journal was forced when it was written (the
     * framing of versions 3 and 4 is the same).
     */
    static final int JOURNAL_VERSION = 4;
    /** The first version whose records say how far the journal was forced, with close marks (framing of 3 and 4). */
    static final int JOURNAL_VERSION_FORCED = 3;
    /** The oldest journal version still read (its newest journal is replaced by a current one on open). */
    static final int JOURNAL_VERSION_OLDEST_READ = 2;
    /** Magic, version, generation, header checksum (the same in versions 2 to 4). */
    static final int JOURNAL_HEADER = 24;
    /** "JREC": where a record starts, so recovery can tell a later record from damage in linear time. */
    static final int RECORD_MAGIC = 0x4A524543;
    /**
     * A version 3 (and 4) record header: magic, sequence number, forced position (u64: the file was forced up to there
     * before this record was written), payload length, payload checksum, header checksum (CRC32C of the
     * journal's generation as 8 bytes, then the 28 bytes before it, so a record of another journal never passes).
     */
    static final int RECORD_HEADER = 32;
    static final int RECORD_SEQUENCE_AT = 4, RECORD_FORCED_AT = 12, RECORD_LENGTH_AT = 20, RECORD_PAYLOAD_CRC_AT = 24,
            RECORD_HEADER_CRC_AT = 28;
    /**
     * A version 2 record header: magic, sequence number, payload length, payload checksum, header checksum (of the
     * 20 bytes before it); no forced position.
     */
    static final int RECORD_HEADER_V2 = 24;
    static final int RECORD_V2_LENGTH_AT = 12, RECORD_V2_PAYLOAD_CRC_AT = 16, RECORD_V2_HEADER_CRC_AT = 20;

    /** Kinds of the parts a record names: tables, relations, and the internal parts of association tables. */
    static final int PART_TABLE = 0, PART_RELATION = 1, PART_ROWS = 2, PART_ROWS_BY_LEFT = 3, PART_ROWS_BY_RIGHT = 4,
            PART_PAIRS = 5, PART_RELATION_COLUMNS = 6, PART_ROW_COLUMNS = 7;

    /**
     * Changes in a record. {@code OP_REMOVE_ADDED} removes an entity the same transaction added; {@code OP_REPLACE}
     * (version 4 on) stores a new entity, with the same key, under a live id.
     */
    static final int OP_LINK = 0, OP_UNLINK = 1, OP_ADD = 2, OP_REMOVE = 3, OP_REMOVE_ADDED = 4, OP_REPLACE = 5;
    /** The first journal version whose records may hold {@link #OP_REPLACE}. */
    static final int JOURNAL_VERSION_REPLACE = 4;

    /** How an added entity is written: a tagged value, a {@code z} long, nothing (a row). */
    static final int ENTITY_VALUE = 0, ENTITY_LONG = 1, ENTITY_NONE = 2;

    /** The table kind (and journal entity form) of a table. */
    static int tableKind(AbstractTable<?> table) {
        return table instanceof LongTableImpl ? TABLE_LONGS : table instanceof RowIdTable ? TABLE_ROWS : TABLE_OBJECTS;
    }
}
