package dev.junction.pg;

import dev.junction.LinkColumn;
import dev.junction.RowColumn;

/**
 * A PostgreSQL column feeding a Junction link column or row column: sets a link's or a row's value from a row of
 * the stream or of the copy, without boxing for the primitive columns. Also keeps a value across a key change
 * (an UPDATE that moves a link or a row re-creates it; a TOASTed value the UPDATE did not send is carried over).
 */
abstract class ColumnBinding {

    final String pgColumn;
    final String junctionName;
    final Class<?> type;
    /** The link column, or null for a row column. */
    final LinkColumn<?, ?> linkColumn;
    /** The row column, or null for a link column. */
    final RowColumn rowColumn;
    private Object carried;

    private ColumnBinding(String pgColumn, LinkColumn<?, ?> linkColumn, RowColumn rowColumn) {
        this.pgColumn = pgColumn;
        this.linkColumn = linkColumn;
        this.rowColumn = rowColumn;
        this.junctionName = linkColumn != null ? linkColumn.name() : rowColumn.name();
        this.type = linkColumn != null ? linkColumn.type() : rowColumn.type();
    }

    static ColumnBinding of(String pgColumn, LinkColumn<?, ?> c) {
        return new Link(pgColumn, c);
    }

    static ColumnBinding of(String pgColumn, RowColumn c) {
        return new Row(pgColumn, c);
    }

    // a binding serves links or rows: each subclass overrides one half, the other half refuses

    void setLink(int left, int right, ValueReader r, Fields f, int i) {
        throw noLinks();
    }

    Object getLink(int left, int right) {
        throw noLinks();
    }

    void putLink(int left, int right, Object v) {
        throw noLinks();
    }

    void setRow(int row, ValueReader r, Fields f, int i) {
        throw noRows();
    }

    Object getRow(int row) {
        throw noRows();
    }

    void putRow(int row, Object v) {
        throw noRows();
    }

    private static IllegalStateException noLinks() {
        return new IllegalStateException("a row column has no links");
    }

    private static IllegalStateException noRows() {
        return new IllegalStateException("a link column has no rows");
    }

    void carryLink(int left, int right) {
        carried = getLink(left, right);
    }

    void carryRow(int row) {
        carried = getRow(row);
    }

    Object carried() {
        return carried;
    }

    /** A link column of a relation. */
    @SuppressWarnings({"rawtypes", "unchecked"})
    private static final class Link extends ColumnBinding {

        Link(String pg, LinkColumn<?, ?> column) {
            super(pg, column, null);
        }

        @Override
        void setLink(int l, int r, ValueReader reader, Fields f, int i) {
            if (linkColumn instanceof LinkColumn.OfLong c) c.setByIds(l, r, reader.readLong(f, i));
            else if (linkColumn instanceof LinkColumn.OfInt c) c.setByIds(l, r, reader.readInt(f, i));
            else if (linkColumn instanceof LinkColumn.OfDouble c) c.setByIds(l, r, reader.readDouble(f, i));
            else if (linkColumn instanceof LinkColumn.OfBoolean c) c.setByIds(l, r, reader.readBoolean(f, i));
            else ((LinkColumn.OfObject) linkColumn).setByIds(l, r, reader.readObject(f, i, type));
        }

        @Override
        Object getLink(int l, int r) {
            if (linkColumn instanceof LinkColumn.OfLong c) return c.getByIds(l, r);
            if (linkColumn instanceof LinkColumn.OfInt c) return c.getByIds(l, r);
            if (linkColumn instanceof LinkColumn.OfDouble c) return c.getByIds(l, r);
            if (linkColumn instanceof LinkColumn.OfBoolean c) return c.getByIds(l, r);
            return ((LinkColumn.OfObject) linkColumn).getByIds(l, r);
        }

        @Override
        void putLink(int l, int r, Object v) {
            if (linkColumn instanceof LinkColumn.OfLong c) c.setByIds(l, r, (Long) v);
            else if (linkColumn instanceof LinkColumn.OfInt c) c.setByIds(l, r, (Integer) v);
            else if (linkColumn instanceof LinkColumn.OfDouble c) c.setByIds(l, r, (Double) v);
            else if (linkColumn instanceof LinkColumn.OfBoolean c) c.setByIds(l, r, (Boolean) v);
            else ((LinkColumn.OfObject) linkColumn).setByIds(l, r, v);
        }
    }

    /** A row column of an association table. */
    @SuppressWarnings({"rawtypes", "unchecked"})
    private static final class Row extends ColumnBinding {

        Row(String pg, RowColumn column) {
            super(pg, null, column);
        }

        @Override
        void setRow(int row, ValueReader reader, Fields f, int i) {
            if (rowColumn instanceof RowColumn.OfLong c) c.set(row, reader.readLong(f, i));
            else if (rowColumn instanceof RowColumn.OfInt c) c.set(row, reader.readInt(f, i));
            else if (rowColumn instanceof RowColumn.OfDouble c) c.set(row, reader.readDouble(f, i));
            else if (rowColumn instanceof RowColumn.OfBoolean c) c.set(row, reader.readBoolean(f, i));
            else ((RowColumn.OfObject) rowColumn).set(row, reader.readObject(f, i, type));
        }

        @Override
        Object getRow(int row) {
            if (rowColumn instanceof RowColumn.OfLong c) return c.get(row);
            if (rowColumn instanceof RowColumn.OfInt c) return c.get(row);
            if (rowColumn instanceof RowColumn.OfDouble c) return c.get(row);
            if (rowColumn instanceof RowColumn.OfBoolean c) return c.get(row);
            return ((RowColumn.OfObject) rowColumn).get(row);
        }

        @Override
        void putRow(int row, Object v) {
            if (rowColumn instanceof RowColumn.OfLong c) c.set(row, (Long) v);
            else if (rowColumn instanceof RowColumn.OfInt c) c.set(row, (Integer) v);
            else if (rowColumn instanceof RowColumn.OfDouble c) c.set(row, (Double) v);
            else if (rowColumn instanceof RowColumn.OfBoolean c) c.set(row, (Boolean) v);
            else ((RowColumn.OfObject) rowColumn).set(row, v);
        }
    }
}
