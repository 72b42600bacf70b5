package dev.junction.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class FlaskBooksTest {

    @Test
    void printsTheTutorialOutputExactly() {
        PrintStream saved = System.out;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        try (PrintStream capture = new PrintStream(buffer, true, StandardCharsets.UTF_8)) {
            System.setOut(capture);
            FlaskBooks.main(new String[0]);
        } finally {
            System.setOut(saved);
        }
        List<String> lines = buffer.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(List.of(
                "Alice wrote: Flask Basics",
                "Bob wrote: Flask Basics, Advanced Flask",
                "Flask Basics written by: Alice, Bob",
                "Advanced Flask written by: Bob"), lines);
    }
}
