package dev.junction.pg;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.opentest4j.TestAbortedException;

/**
 * Starts one {@link PgServer} for the whole test run, the first time a test class that uses this extension runs,
 * and stops it (deleting its directory) when the run ends, whether the tests passed or not: the server lives in the
 * root context's store, which JUnit closes last. Test methods and {@code @BeforeAll} methods get it as a parameter.
 *
 * <p>Without PostgreSQL binaries the tests are skipped, except when the environment says {@code CI=true}: then a
 * missing server fails them.
 */
public final class PostgresExtension implements BeforeAllCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(PostgresExtension.class);

    /** The store's resource: closing it stops the server. */
    private static final class Holder implements ExtensionContext.Store.CloseableResource {
        final PgServer server;

        Holder(PgServer server) {
            this.server = server;
        }

        @Override
        public void close() throws Exception {
            server.close();
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        server(context);
    }

    static PgServer server(ExtensionContext context) {
        if (PgServer.find() == null) {
            String msg = "PostgreSQL (initdb and pg_ctl, version 15 or later) is not installed; "
                    + "apt-get install postgresql (or set JUNCTION_PG_BIN)";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new IllegalStateException(msg + ": CI=true, so this is a failure, not a skip");
            }
            throw new TestAbortedException(msg + ": skipping the PostgreSQL tests");
        }
        return context.getRoot().getStore(NS).getOrComputeIfAbsent(Holder.class, k -> {
            try {
                return new Holder(PgServer.start());
            } catch (Exception e) {
                throw new IllegalStateException("could not start the test PostgreSQL: " + e.getMessage(), e);
            }
        }, Holder.class).server;
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == PgServer.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return server(context);
    }
}
