package dev.junction;

/**
 * Customers × products, both keyed by longs, with the association table {@code orders} between them: the engine
 * that the association table fixtures extend with their own row columns ({@code AssociationBulkAddTest.Shop},
 * {@code SqlAssociationTest.Shop}).
 */
public class CustomerOrders {
    public final Junction db = Junction.create();
    public final LongTable customers = db.longTable("customers");
    public final LongTable products = db.longTable("products");
    public final AssociationTable<Long, Long> orders = db.associationTable("orders", customers, products);
}
