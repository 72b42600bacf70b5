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
    private Object carried;

    ColumnBinding(String pgColumn, String junctionName, Class<?> type) {
        this.pgColumn = pgColumn;
        this.junctionName = junctionName;
        this.type = type;
    }

    static ColumnBinding of(String pgColumn, LinkColumn<?, ?> c) {
        return new Link(pgColumn, c);
    }

    static ColumnBinding of(String pgColumn, RowColumn c) {
        return new Row(pgColumn, c);
    }

    /** The link column, or null for a row column. */
    abstract LinkColumn<?, ?> linkColumn();

    /** The row column, or null for a link column. */
    abstract RowColumn rowColumn();

    abstract void setLink(int left, int right, ValueReader r, Fields f, int i);

    abstract void setRow(int row, ValueReader r, Fields f, int i);

    abstract Object getLink(int left, int right);

    abstract Object getRow(int row);

    abstract void putLink(int left, int right, Object v);

    abstract void putRow(int row, Object v);

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
        private final LinkColumn<?, ?> column;

        Link(String pg, LinkColumn<?, ?> column) {
            super(pg, column.name(), column.type());
            this.column = column;
        }

        @Override
        LinkColumn<?, ?> linkColumn() {
            return column;
        }

        @Override
        RowColumn rowColumn() {
            return null;
        }

        @Override
        void setLink(int l, int r, ValueReader reader, Fields f, int i) {
            if (column instanceof LinkColumn.OfLong c) c.setByIds(l, r, reader.readLong(f, i));
            else if (column instanceof LinkColumn.OfInt c) c.setByIds(l, r, reader.readInt(f, i));
            else if (column instanceof LinkColumn.OfDouble c) c.setByIds(l, r, reader.readDouble(f, i));
            else if (column instanceof LinkColumn.OfBoolean c) c.setByIds(l, r, reader.readBoolean(f, i));
            else ((LinkColumn.OfObject) column).setByIds(l, r, reader.readObject(f, i, type));
        }

        @Override
        void setRow(int row, ValueReader r, Fields f, int i) {
            throw new IllegalStateException("a link column has no rows");
        }

        @Override
        Object getLink(int l, int r) {
            if (column instanceof LinkColumn.OfLong c) return c.getByIds(l, r);
            if (column instanceof LinkColumn.OfInt c) return c.getByIds(l, r);
            if (column instanceof LinkColumn.OfDouble c) return c.getByIds(l, r);
            if (column instanceof LinkColumn.OfBoolean c) return c.getByIds(l, r);
            return ((LinkColumn.OfObject) column).getByIds(l, r);
        }

        @Override
        Object getRow(int row) {
            throw new IllegalStateException("a link column has no rows");
        }

        @Override
        void putLink(int l, int r, Object v) {
            if (column instanceof LinkColumn.OfLong c) c.setByIds(l, r, (Long) v);
            else if (column instanceof LinkColumn.OfInt c) c.setByIds(l, r, (Integer) v);
            else if (column instanceof LinkColumn.OfDouble c) c.setByIds(l, r, (Double) v);
            else if (column instanceof LinkColumn.OfBoolean c) c.setByIds(l, r, (Boolean) v);
            else ((LinkColumn.OfObject) column).setByIds(l, r, v);
        }

        @Override
        void putRow(int row, Object v) {
            throw new IllegalStateException("a link column has no rows");
        }
    }

    /** A row column of an association table. */
    @SuppressWarnings({"rawtypes", "unchecked"})
    private static final class Row extends ColumnBinding {
        private final RowColumn column;

        Row(String pg, RowColumn column) {
            super(pg, column.name(), column.type());
            this.column = column;
        }

        @Override
        LinkColumn<?, ?> linkColumn() {
            return null;
        }

        @Override
        RowColumn rowColumn() {
            return column;
        }

        @Override
        void setLink(int l, int r, ValueReader reader, Fields f, int i) {
            throw new IllegalStateException("a row column has no links");
        }

        @Override
        void setRow(int row, ValueReader reader, Fields f, int i) {
            if (column instanceof RowColumn.OfLong c) c.set(row, reader.readLong(f, i));
            else if (column instanceof RowColumn.OfInt c) c.set(row, reader.readInt(f, i));
            else if (column instanceof RowColumn.OfDouble c) c.set(row, reader.readDouble(f, i));
            else if (column instanceof RowColumn.OfBoolean c) c.set(row, reader.readBoolean(f, i));
            else ((RowColumn.OfObject) column).set(row, reader.readObject(f, i, type));
        }

        @Override
        Object getLink(int l, int r) {
            throw new IllegalStateException("a row column has no links");
        }

        @Override
        Object getRow(int row) {
            if (column instanceof RowColumn.OfLong c) return c.get(row);
            if (column instanceof RowColumn.OfInt c) return c.get(row);
            if (column instanceof RowColumn.OfDouble c) return c.get(row);
            if (column instanceof RowColumn.OfBoolean c) return c.get(row);
            return ((RowColumn.OfObject) column).get(row);
        }

        @Override
        void putLink(int l, int r, Object v) {
            throw new IllegalStateException("a row column has no links");
        }

        @Override
        void putRow(int row, Object v) {
            if (column instanceof RowColumn.OfLong c) c.set(row, (Long) v);
            else if (column instanceof RowColumn.OfInt c) c.set(row, (Integer) v);
            else if (column instanceof RowColumn.OfDouble c) c.set(row, (Double) v);
            else if (column instanceof RowColumn.OfBoolean c) c.set(row, (Boolean) v);
            else ((RowColumn.OfObject) column).set(row, v);
        }
    }
}
