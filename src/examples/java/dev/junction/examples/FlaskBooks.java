package dev.junction.examples;

import dev.junction.Junction;
import dev.junction.KeyedTable;
import dev.junction.Relation;
import java.util.Comparator;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

/**
 * The Flask-SQLAlchemy many-to-many tutorial (authors and books through an association table) rebuilt on
 * Junction. The SQLAlchemy original:
 *
 * <pre>
 * author_book = db.Table("author_book",
 *     db.Column("author_id", db.ForeignKey("author.id"), primary_key=True),
 *     db.Column("book_id", db.ForeignKey("book.id"), primary_key=True))
 * class Author(db.Model): books = db.relationship("Book", secondary=author_book, back_populates="authors")
 * class Book(db.Model):   authors = db.relationship("Author", secondary=author_book, back_populates="books")
 * </pre>
 *
 * Run with {@code mvn -q test-compile exec:java -Dexample=FlaskBooks}; {@code FlaskBooksTest} checks its output.
 */
public final class FlaskBooks {

    /** An author, identified by name. */
    public record Author(String name) {
    }

    /** A book, identified by title. */
    public record Book(String title) {
    }

    private FlaskBooks() {
    }

    /**
     * Builds the sample and prints each author (by name) with their books, then each book with its authors.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        Junction db = Junction.create();
        KeyedTable<Author, String> authors = db.table("author", Author::name);
        KeyedTable<Book, String> books = db.table("book", Book::title);
        // One declaration gives both sides: wrote.rightsOf(author) is author.books,
        // wrote.leftsOf(book) (or wrote.inverse().rightsOf(book)) is book.authors.
        Relation<Author, Book> wrote = db.relation("author_book", authors, books);

        Author alice = new Author("Alice");
        Author bob = new Author("Bob");
        Book basics = new Book("Flask Basics");
        Book advanced = new Book("Advanced Flask");
        books.add(basics);     // created in this order: books iterate in insertion order
        books.add(advanced);
        // Authors are added to their table by the first link (save-update cascade).

        wrote.rightsOf(alice).add(basics);   // alice.books.append(basics)
        wrote.rightsOf(bob).add(basics);     // bob.books.append(basics)
        wrote.leftsOf(advanced).add(bob);    // advanced.authors.append(bob): back_populates, from the book side

        StreamSupport.stream(authors.spliterator(), false)
                .sorted(Comparator.comparing(Author::name))
                .forEach(a -> System.out.println(a.name() + " wrote: " + titles(wrote, a)));
        for (Book b : books) {
            System.out.println(b.title() + " written by: "
                    + wrote.leftsOf(b).stream().map(Author::name).collect(Collectors.joining(", ")));
        }
    }

    private static String titles(Relation<Author, Book> wrote, Author a) {
        return wrote.rightsOf(a).stream().map(Book::title).collect(Collectors.joining(", "));
    }
}
