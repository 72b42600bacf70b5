/**
 * The typed layer of Junction: the {@link dev.junction.Junction} engine, its {@link dev.junction.Table}s,
 * {@link dev.junction.Relation}s, link and row columns, {@link dev.junction.AssociationTable}s,
 * {@link dev.junction.Transaction}s, listeners, snapshots and the journal ({@link dev.junction.Persistence}).
 *
 * <h2>A map of the kernel (package-private classes)</h2>
 * <pre>
 *   public API      Junction (facade) · Table · Relation · LinkColumn · RowColumn · AssociationTable · Persistence
 *        │
 *   typed views     AbstractTable (ObjectTable, LongTableImpl, RowIdTable) · TablePair (RelationImpl,
 *                   AssociationTableImpl) · Side · RelatedSet · PagedNeighborSet · LinkColumns · RowColumns
 *                   IntRelationOver (SharedIntRelation = ints(), DeltaRelation) · ReadOnlyNeighborSet
 *        │ reads                                   │ writes
 *   ReadGate  ◄── gate word, publications ──── Committer ──► EventQueue (listeners, after commit)
 *        │  (optimistic protocol, views)           │  (one writer, one decision, one publish)
 *        │                                         │
 *   committed state                          Txn: the open transaction (ConfinedTransaction: its thread)
 *     IntRelation indexes (dev.junction.index)    TableOverlay · DeltaRelation · ColumnStore.Overlay
 *     tables' live ids and key maps               TxnLog (every change, typed; undo and events)
 *     ColumnStore (values)                              │ commit
 *        ▲                                              ▼
 *        └──── publish (under the write stamp) ◄── Committer.commit ──► JournalCodec ─► JournalFile
 *
 *   persistence    PersistenceFormat (every constant) · WireBytes (encodings) · DurableFiles (atomic writes,
 *                  durable directories) over FileLayer (every file operation; SystemFiles in production)
 *                  SnapshotCodec ⇄ file · SnapshotRestore (→ engine) · JournalFile ⇄ file · JournalCodec
 *                  JournalReplay + RecordCheck (→ engine) · PartNames (the journal's names, from the Schema)
 *                  Persistence: RecoveryMode (what damage is refused) → RecoveryReport (what was dropped)
 *                  ValueClasses (built-in values: java.time, UUID, decimals, enums, records; the class table)
 *                  Snapshot (public: open/describe a file without its schema) · Inspect (command line: verify)
 *   schema         Schema: names, declarations, codecs, part names
 *   monitoring     Jfr (one flag: is a flight recording running) · JfrEvents (the JFR events, loaded only then)
 * </pre>
 *
 * <ul>
 *   <li><b>Committed state</b> changes only under the write stamp, through {@code Committer.publish}: a commit,
 *       an in-place write, a declaration of columns, a snapshot load. The read gate ({@code ReadGate}) counts
 *       every publication, so an optimistic read that overlapped one is never believed.</li>
 *   <li><b>Overlays</b>: a transaction's changes live in one overlay per part it touched, owned by its
 *       {@code Txn}; the reads of the transaction's thread look there first ({@code AbstractTable.overlay()},
 *       {@code Txn.deltas}, {@code Txn.columns}), every other thread never does.</li>
 *   <li><b>Writes outside a transaction</b> go in place or through a transaction of their own; the one decision
 *       is {@code Committer.decide}, taken under the write lock.</li>
 *   <li><b>Files</b> hold no in-memory value: every code on disk is mapped explicitly in
 *       {@code PersistenceFormat}, and golden files pin each format version (see
 *       {@code docs/persistence-format.md}). Every file operation goes through a {@code FileLayer}, so the
 *       power-cut test can record them and build the states a power cut leaves.</li>
 * </ul>
 */
package dev.junction;
