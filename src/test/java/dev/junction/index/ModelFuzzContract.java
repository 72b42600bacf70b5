package dev.junction.index;

import static dev.junction.index.RelationAssertions.drain;
import static dev.junction.index.RelationAssertions.forEachLefts;
import static dev.junction.index.RelationAssertions.forEachRights;
import static dev.junction.index.RelationAssertions.sortedArray;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import it.unimi.dsi.fastutil.ints.IntIterator;
import it.unimi.dsi.fastutil.ints.IntOpenHashSet;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NavigableSet;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.ArgumentsProvider;
import org.junit.jupiter.params.provider.ArgumentsSource;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * Reference-model test (RoaringBitmap style): seeded random sequences of every mutating and reading operation,
 * checked step by step against {@link RelationModel}. The id distribution mixes every storage regime: small dense
 * ids, a few hot entities whose sets cross the small-to-large thresholds and come back down, ids spread over the
 * whole int range, and ids on many 65536-blocks and on block boundaries.
 *
 * <p>{@code -Djunction.fuzz.ops=N} sets the number of operations per seed (default 20000);
 * {@code -Djunction.fuzz.seed=S} replays one seed (see {@link #replaySeedFromProperty()}).
 */
public interface ModelFuzzContract extends RelationFixture {

    /** Operations per seed: {@code -Djunction.fuzz.ops=N} (default 20000). */
    int OPS = Integer.getInteger("junction.fuzz.ops", 20_000);

    /** Five seeds, or those of the class's {@link FuzzSeeds}. */
    @ParameterizedTest(name = "seed={0}")
    @ArgumentsSource(SeedsOfTheClass.class)
    default void randomOperationsAgreeWithModel(long seed) {
        new Run(this, seed, OPS).run();
    }

    /** Replays one seed: {@code mvn test -Dtest='dev.junction.index.**' -Djunction.fuzz.seed=42}. */
    @Test
    default void replaySeedFromProperty() {
        String s = System.getProperty("junction.fuzz.seed");
        assumeTrue(s != null && !s.isEmpty(), "set -Djunction.fuzz.seed=N to replay one seed");
        new Run(this, Long.decode(s), OPS).run();
    }

    /**
     * On a test class: the seeds {@link #randomOperationsAgreeWithModel} runs there instead of the five, for an
     * implementation on which a run costs too much to run them all. The others replay with
     * {@code -Djunction.fuzz.seed}.
     */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.TYPE)
    @interface FuzzSeeds {
        long[] value();
    }

    /** The seeds of the test class's {@link FuzzSeeds}, else the five. */
    final class SeedsOfTheClass implements ArgumentsProvider {
        private static final long[] FIVE = {1L, 42L, 0xC0FFEEL, 20_240_601L, -7_777_777_777L};

        @Override
        public Stream<? extends Arguments> provideArguments(ExtensionContext context) {
            long[] seeds = AnnotationSupport.findAnnotation(context.getRequiredTestClass(), FuzzSeeds.class)
                    .map(FuzzSeeds::value).orElse(FIVE);
            return Arrays.stream(seeds).mapToObj(seed -> Arguments.of(seed));
        }
    }

    /** One seeded run: the relation under test, its model, and the generator of operations. */
    final class Run {
        private static final int FULL_CHECK_EVERY = 500;
        /** Touched entities up to this degree are compared in full after every step; larger ones are sampled. */
        private static final int SMALL = 256;
        private static final int PHASE = 2_500;

        private static final int[] HOT_LEFTS = {3, 70_001, Integer.MAX_VALUE};
        private static final int[] HOT_RIGHTS = {5, 131_089, 2_000_000_000};
        /** The third is 2e9 rounded down to a 65536-block. */
        private static final int[] HOT_BASES = {0, 65_536 * 3, 1_999_962_112};
        private static final int HOT_SPAN = 12_000;
        private static final int[] BOUNDARY = {0, 1, 63, 64, 65, 4095, 4096, 4097, 65_535, 65_536, 65_537, 131_071,
                131_072, 1 << 24, (1 << 24) - 1, Integer.MAX_VALUE - 65_536, Integer.MAX_VALUE - 1, Integer.MAX_VALUE};

        private enum OpKind { LINK, LINK_HOT, UNLINK, UNLINK_HOT, CONTAINS, REMOVE_LEFT, REMOVE_RIGHT,
            REPLACE_RIGHTS, REPLACE_LEFTS, PROBE }

        private static final int[] GROW_WEIGHTS = {32, 14, 12, 4, 14, 2, 2, 5, 5, 10};
        private static final int[] SHRINK_WEIGHTS = {12, 4, 28, 18, 14, 3, 3, 5, 5, 8};

        final long seed;
        final int ops;
        final SplittableRandom rnd;
        final IntRelation.Kind kind;
        final boolean symmetric;
        final IntRelation rel;
        final RelationModel model;
        final IntOpenHashSet touched = new IntOpenHashSet();
        int step;
        String op = "<none>";
        final Supplier<String> ctx = this::context;

        String context() {
            return "kind=" + kind + " seed=" + seed + " step=" + step + " op=" + op;
        }

        Run(RelationFixture fixture, long seed, int ops) {
            this.seed = seed;
            this.ops = ops;
            this.rnd = new SplittableRandom(seed);
            this.kind = fixture.kind();
            this.symmetric = fixture.symmetric();
            this.rel = fixture.newRelation("fuzz_" + kind);
            this.model = new RelationModel(kind);
            for (int h : HOT_LEFTS) {
                touched.add(h);
            }
            for (int h : HOT_RIGHTS) {
                touched.add(h);
            }
        }

        void run() {
            for (step = 0; step < ops; step++) {
                boolean grow = (step / PHASE) % 2 == 0;
                try {
                    step(grow);
                    if ((step + 1) % FULL_CHECK_EVERY == 0) {
                        checkAll();
                    }
                } catch (AssertionError e) {
                    throw e;
                } catch (RuntimeException e) {
                    throw new AssertionError(ctx.get() + " threw " + e, e);
                }
            }
            op = "<final full check>";
            checkAll();
        }

        // ------------------------------------------------------------ one step

        void step(boolean grow) {
            if (rnd.nextInt(7_000) == 0) {
                op = "clear()";
                rel.clear();
                model.clear();
                assertEquals(0L, rel.size(), ctx);
                checkAll();
                return;
            }
            OpKind k = pick(grow ? GROW_WEIGHTS : SHRINK_WEIGHTS);
            switch (k) {
                case LINK: {
                    doLink(anyId(), anyId());
                    break;
                }
                case LINK_HOT: {
                    if (rnd.nextBoolean()) {
                        doLink(hot(HOT_LEFTS), hotPartner());
                    } else {
                        doLink(hotPartner(), hot(HOT_RIGHTS));
                    }
                    break;
                }
                case UNLINK: {
                    int[] p = likelyPresentPair(anyId(), anyId());
                    doUnlink(p[0], p[1]);
                    break;
                }
                case UNLINK_HOT: {
                    int[] p = rnd.nextBoolean() ? likelyPresentPair(hot(HOT_LEFTS), -1)
                            : likelyPresentPair(-1, hot(HOT_RIGHTS));
                    doUnlink(p[0], p[1]);
                    break;
                }
                case CONTAINS: {
                    int[] p = likelyPresentPair(rnd.nextInt(4) == 0 ? hot(HOT_LEFTS) : anyId(), anyId());
                    int l = p[0];
                    int r = p[1];
                    op = "contains(" + l + ", " + r + ")";
                    boolean expected = model.contains(l, r);
                    assertEquals(expected, rel.contains(l, r), ctx);
                    assertEquals(expected, rel.rightsOf(l).contains(r), ctx);
                    assertEquals(expected, rel.leftsOf(r).contains(l), ctx);
                    if (symmetric) {
                        assertEquals(expected, rel.contains(r, l), ctx);
                    }
                    break;
                }
                case REMOVE_LEFT: {
                    doRemove(true);
                    break;
                }
                case REMOVE_RIGHT: {
                    doRemove(false);
                    break;
                }
                case REPLACE_RIGHTS: {
                    doReplace(true);
                    break;
                }
                case REPLACE_LEFTS: {
                    doReplace(false);
                    break;
                }
                case PROBE: {
                    boolean left = rnd.nextBoolean();
                    int id = rnd.nextInt(3) == 0 ? hot(left ? HOT_LEFTS : HOT_RIGHTS) : anyId();
                    op = (left ? "probe rightsOf(" : "probe leftsOf(") + id + ")";
                    if (left) {
                        checkLeft(id, true);
                    } else {
                        checkRight(id, true);
                    }
                    NavigableSet<Integer> exp = left ? model.rightsOf(id) : model.leftsOf(id);
                    IntNeighborSet view = left ? rel.rightsOf(id) : rel.leftsOf(id);
                    for (int i = 0; i < 4; i++) {
                        checkIteratorAfter(view, exp, pivot(exp));
                    }
                    break;
                }
                default:
                    throw new AssertionError(k);
            }
        }

        void doLink(int l, int r) {
            doPairOp("link", l, r, model::link, rel::link);
        }

        void doUnlink(int l, int r) {
            doPairOp("unlink", l, r, model::unlink, rel::unlink);
        }

        /** {@code link} or {@code unlink} of one pair: the model and the relation must answer alike. */
        private void doPairOp(String name, int l, int r, PairOp onModel, PairOp onRelation) {
            touched.add(l);
            touched.add(r);
            op = name + "(" + l + ", " + r + ")";
            assertEquals(onModel.apply(l, r), onRelation.apply(l, r), ctx);
            checkPair(l, r);
        }

        /** {@code link} or {@code unlink}, of the model or of the relation under test. */
        @FunctionalInterface
        private interface PairOp {
            boolean apply(int left, int right);
        }

        /** removeLeft ({@code ofLeft}) or removeRight of an id, then the sets of it and of its former partners. */
        void doRemove(boolean ofLeft) {
            int id = rnd.nextInt(3) == 0 ? hot(ofLeft ? HOT_LEFTS : HOT_RIGHTS) : anyId();
            touched.add(id);
            op = (ofLeft ? "removeLeft(" : "removeRight(") + id + ")";
            int[] old = sortedArray(ofLeft ? model.rightsOf(id) : model.leftsOf(id));
            int expected = ofLeft ? model.removeLeft(id) : model.removeRight(id);
            assertEquals(expected, ofLeft ? rel.removeLeft(id) : rel.removeRight(id), ctx);
            check(ofLeft, id, true);
            check(!ofLeft, id, false);
            for (int other : old) {
                check(!ofLeft, other, false);
            }
        }

        /** replaceRights ({@code rightsOfLeft}) or replaceLefts of an id, hot one time in four. */
        void doReplace(boolean rightsOfLeft) {
            boolean isHot = rnd.nextInt(4) == 0;
            int owner = isHot ? hot(rightsOfLeft ? HOT_LEFTS : HOT_RIGHTS) : anyId();
            int[] arr = randomArray(isHot, rightsOfLeft ? model.rightsOf(owner) : model.leftsOf(owner));
            touched.add(owner);
            for (int a : arr) {
                touched.add(a);
            }
            op = (rightsOfLeft ? "replaceRights(" : "replaceLefts(") + owner + ", " + describe(arr) + ")";
            int[] old = sortedArray(rightsOfLeft ? model.rightsOf(owner) : model.leftsOf(owner));
            int[] argCopy = arr.clone();
            boolean expected = rightsOfLeft ? model.replaceRights(owner, arr.clone())
                    : model.replaceLefts(owner, arr.clone());
            boolean actual = rightsOfLeft ? rel.replaceRights(owner, arr) : rel.replaceLefts(owner, arr);
            assertEquals(expected, actual, ctx);
            assertArrayEquals(argCopy, arr, () -> ctx.get() + ": the argument array must not be modified");
            check(rightsOfLeft, owner, true);
            // the other side of every removed and every given id agrees (sampled for huge arguments; the
            // periodic full check covers the rest)
            int stride = Math.max(1, (old.length + arr.length) / 512);
            int i = rnd.nextInt(stride);
            for (int[] others : new int[][] {old, arr}) {
                for (; i < others.length; i += stride) {
                    check(!rightsOfLeft, others[i], false);
                }
                i -= others.length;
            }
        }

        // ------------------------------------------------------------ checks

        void checkPair(int l, int r) {
            boolean expected = model.contains(l, r);
            assertEquals(expected, rel.contains(l, r), ctx);
            checkLeft(l, false);
            checkRight(r, false);
            if (symmetric) {
                assertEquals(expected, rel.contains(r, l), ctx);
                checkLeft(r, false);
                checkRight(l, false);
            }
        }

        /** {@link #checkLeft} ({@code asLeft}) or {@link #checkRight}. */
        void check(boolean asLeft, int id, boolean full) {
            if (asLeft) {
                checkLeft(id, full);
            } else {
                checkRight(id, full);
            }
        }

        void checkLeft(int l, boolean full) {
            NavigableSet<Integer> exp = model.rightsOf(l);
            assertEquals(exp.size(), rel.degreeOfLeft(l), ctx);
            checkView(rel.rightsOf(l), l, exp, full);
        }

        void checkRight(int r, boolean full) {
            NavigableSet<Integer> exp = model.leftsOf(r);
            assertEquals(exp.size(), rel.degreeOfRight(r), ctx);
            checkView(rel.leftsOf(r), r, exp, full);
        }

        void checkView(IntNeighborSet view, int owner, NavigableSet<Integer> exp, boolean full) {
            assertEquals(owner, view.owner(), ctx);
            assertEquals(exp.size(), view.size(), ctx);
            assertEquals(exp.isEmpty(), view.isEmpty(), ctx);
            if (full || exp.size() <= SMALL) {
                assertArrayEquals(sortedArray(exp), drain(view.iterator()), ctx);
                return;
            }
            // A large set: sample its head, a cursor position and membership.
            assertEquals(exp.first().intValue(), view.iterator().nextInt(), ctx);
            checkIteratorAfter(view, exp, pivot(exp));
            for (int i = 0; i < 4; i++) {
                int probe = rnd.nextBoolean() ? pivot(exp) : anyId();
                assertEquals(exp.contains(probe), view.contains(probe), () -> ctx.get() + " contains " + probe);
            }
        }

        void checkIteratorAfter(IntNeighborSet view, NavigableSet<Integer> exp, int after) {
            IntIterator it = view.iteratorAfter(after);
            Iterator<Integer> e = exp.tailSet(after, false).iterator();
            for (int i = 0; i < 16 && e.hasNext(); i++) {
                int expected = e.next();
                assertTrue(it.hasNext(), () -> ctx.get() + " iteratorAfter(" + after + ") ended early");
                assertEquals(expected, it.nextInt(), () -> ctx.get() + " iteratorAfter(" + after + ")");
            }
            if (!e.hasNext()) {
                assertEquals(false, it.hasNext(), () -> ctx.get() + " iteratorAfter(" + after + ") too long");
            }
        }

        /** Whole relation: every id ever touched, both sides, both iteration paths, degrees, size, two-way rule. */
        void checkAll() {
            assertEquals(model.size(), rel.size(), ctx);
            int[] ids = touched.toIntArray();
            Arrays.sort(ids);
            long sumLeft = 0;
            long sumRight = 0;
            long selfLinks = 0;
            for (int id : ids) {
                int[] expR = sortedArray(model.rightsOf(id));
                int[] expL = sortedArray(model.leftsOf(id));
                Supplier<String> at = () -> ctx.get() + " full check of id " + id;
                if (expR.length == 0 && expL.length == 0) { // the common case: a touched id with no links now
                    assertEquals(0, rel.degreeOfLeft(id), at);
                    assertEquals(0, rel.degreeOfRight(id), at);
                    assertTrue(rel.rightsOf(id).isEmpty() && rel.leftsOf(id).isEmpty(), at);
                    continue;
                }
                assertArrayEquals(expR, drain(rel.rightsOf(id).iterator()), at);
                assertArrayEquals(expR, forEachRights(rel, id), at);
                assertArrayEquals(expL, drain(rel.leftsOf(id).iterator()), at);
                assertArrayEquals(expL, forEachLefts(rel, id), at);
                assertEquals(expR.length, rel.degreeOfLeft(id), at);
                assertEquals(expL.length, rel.degreeOfRight(id), at);
                // Two-way invariant, read through the relation only: l in leftsOf(r) exactly when r in rightsOf(l).
                rel.forEachRight(id, r -> {
                    if (!rel.leftsOf(r).contains(id)) {
                        throw new AssertionError(at.get() + ": right " + r + " does not list left " + id);
                    }
                });
                rel.forEachLeft(id, l -> {
                    if (!rel.rightsOf(l).contains(id)) {
                        throw new AssertionError(at.get() + ": left " + l + " does not list right " + id);
                    }
                });
                sumLeft += rel.degreeOfLeft(id);
                sumRight += rel.degreeOfRight(id);
                if (model.contains(id, id)) {
                    selfLinks++;
                }
            }
            if (symmetric) {
                assertEquals(2 * model.size() - selfLinks, sumLeft, ctx);
            } else {
                assertEquals(model.size(), sumLeft, ctx);
                assertEquals(model.size(), sumRight, ctx);
            }
        }

        // ------------------------------------------------------------ generators

        OpKind pick(int[] weights) {
            int w = rnd.nextInt(100);
            for (int i = 0; i < weights.length; i++) {
                w -= weights[i];
                if (w < 0) {
                    return OpKind.values()[i];
                }
            }
            throw new AssertionError("weights do not add up to 100");
        }

        int anyId() {
            int p = rnd.nextInt(100);
            if (p < 40) {
                return rnd.nextInt(64); // small dense ids
            }
            if (p < 55) { // many 65536-blocks, biased to block edges
                int block = rnd.nextInt(400);
                int off;
                switch (rnd.nextInt(6)) {
                    case 0: off = 0; break;
                    case 1: off = 1; break;
                    case 2: off = 65_534; break;
                    case 3: off = 65_535; break;
                    default: off = rnd.nextInt(65_536);
                }
                return block * 65_536 + off;
            }
            if (p < 68) { // sparse over the full int range
                return rnd.nextInt(20) == 0 ? Integer.MAX_VALUE - rnd.nextInt(3) : rnd.nextInt(Integer.MAX_VALUE);
            }
            if (p < 75) {
                return BOUNDARY[rnd.nextInt(BOUNDARY.length)];
            }
            return hotPartner();
        }

        int hot(int[] hots) {
            return hots[rnd.nextInt(hots.length)];
        }

        int hotPartner() {
            return HOT_BASES[rnd.nextInt(HOT_BASES.length)] + rnd.nextInt(HOT_SPAN);
        }

        /**
         * Returns {@code {l, r}}; a negative input means "choose it". Three times in four, one side is chosen among
         * the existing neighbours of the other, so that unlink and contains mostly hit present pairs.
         */
        int[] likelyPresentPair(int l, int r) {
            boolean fromLeft = l >= 0 && (r < 0 || rnd.nextBoolean());
            if (fromLeft) {
                NavigableSet<Integer> s = model.rightsOf(l);
                r = !s.isEmpty() && rnd.nextInt(4) != 0 ? near(s) : (r >= 0 ? r : anyId());
            } else {
                NavigableSet<Integer> s = model.leftsOf(r);
                l = !s.isEmpty() && rnd.nextInt(4) != 0 ? near(s) : (l >= 0 ? l : anyId());
            }
            return new int[] {l, r};
        }

        /** An element of a non-empty set, near a random position. */
        int near(NavigableSet<Integer> s) {
            int probe = rnd.nextInt(3) == 0 ? anyId() : s.first() + rnd.nextInt(
                    (int) Math.min(Integer.MAX_VALUE, (long) s.last() - s.first() + 1));
            Integer c = s.ceiling(probe);
            return c != null ? c : s.first();
        }

        int pivot(NavigableSet<Integer> exp) {
            switch (rnd.nextInt(5)) {
                case 0: return -1 - rnd.nextInt(1000);
                case 1: return Integer.MAX_VALUE - rnd.nextInt(2);
                case 2: return exp.isEmpty() ? anyId() : near(exp); // a present element
                case 3: return exp.isEmpty() ? anyId() : near(exp) - 1;
                default: return anyId();
            }
        }

        int[] randomArray(boolean isHot, NavigableSet<Integer> current) {
            int p = rnd.nextInt(100);
            int n;
            if (p < 55) {
                n = rnd.nextInt(9);
            } else if (p < 85) {
                n = 10 + rnd.nextInt(190); // crosses the small-set threshold
            } else {
                n = isHot ? 500 + rnd.nextInt(6_000) : 10 + rnd.nextInt(190);
            }
            if (rnd.nextInt(20) == 0) { // exactly the current set, shuffled, with duplicates: no change
                int[] cur = sortedArray(current);
                int[] out = Arrays.copyOf(cur, cur.length + (cur.length > 0 ? rnd.nextInt(4) : 0));
                for (int i = cur.length; i < out.length; i++) {
                    out[i] = cur[rnd.nextInt(cur.length)];
                }
                shuffle(out);
                return out;
            }
            int base = HOT_BASES[rnd.nextInt(HOT_BASES.length)];
            boolean keepSome = !current.isEmpty() && rnd.nextBoolean();
            int[] out = new int[n];
            for (int i = 0; i < n; i++) {
                int q = rnd.nextInt(10);
                if (i > 0 && q == 0) {
                    out[i] = out[rnd.nextInt(i)]; // duplicate
                } else if (keepSome && q <= 3) {
                    out[i] = near(current);
                } else if (isHot && q <= 8) {
                    out[i] = base + rnd.nextInt(HOT_SPAN); // one block: can exceed 4096 in a container
                } else {
                    out[i] = anyId();
                }
            }
            return out;
        }

        void shuffle(int[] a) {
            for (int i = a.length - 1; i > 0; i--) {
                int j = rnd.nextInt(i + 1);
                int t = a[i];
                a[i] = a[j];
                a[j] = t;
            }
        }
    }

    private static String describe(int[] arr) {
        if (arr.length <= 16) {
            return Arrays.toString(arr);
        }
        return "int[" + arr.length + "]" + Arrays.toString(Arrays.copyOf(arr, 16)).replace("]", ", ...]");
    }
}
