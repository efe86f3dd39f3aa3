package io.nott.unit.runtime;

import java.util.AbstractList;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.BiConsumer;

/**
 * An immutable sorted map whose {@link #with} and {@link #without} return a new map sharing every
 * node but the O(log n) on the path to the key (a treap, split and merged). This is what lets a
 * snapshot of 10,000 units be made from the previous one plus one changed unit without copying the
 * other 9,999, while requests keep reading the previous one without locks.
 *
 * <p>A node's priority is a hash of its key, so a key set has one shape whatever the order of the
 * changes that made it (a full build and a sequence of changes give the same tree). Nodes carry
 * their subtree's size, so {@link #values()} is a list with O(log n) {@code get(i)}.
 *
 * <p>Public for the edge's sync, which keeps the registry's 10,000 unit hashes it read the same
 * way ({@link #from}, {@link #asMap}): a change of one unit used to copy the map of all of them.
 */
public final class PersistentSortedMap<K, V> {

    private record Node<K, V>(K key, V value, int priority, int size, Node<K, V> left, Node<K, V> right) {

        static <K, V> Node<K, V> of(K key, V value, int priority, Node<K, V> left, Node<K, V> right) {
            return new Node<>(key, value, priority, 1 + sizeOf(left) + sizeOf(right), left, right);
        }

        Node<K, V> with(Node<K, V> newLeft, Node<K, V> newRight) {
            return of(key, value, priority, newLeft, newRight);
        }
    }

    private record Split<K, V>(Node<K, V> less, Node<K, V> equal, Node<K, V> greater) {
    }

    private final Comparator<? super K> order;
    private final Node<K, V> root;

    private PersistentSortedMap(Comparator<? super K> order, Node<K, V> root) {
        this.order = order;
        this.root = root;
    }

    static <K, V> PersistentSortedMap<K, V> empty(Comparator<? super K> order) {
        return new PersistentSortedMap<>(order, null);
    }

    static <K extends Comparable<? super K>, V> PersistentSortedMap<K, V> empty() {
        return new PersistentSortedMap<>(Comparator.naturalOrder(), null);
    }

    /**
     * The map of {@code keys} (sorted, distinct) to {@code values} in O(n), the tree a sequence of
     * {@link #with} would give (a treap's shape depends only on its keys): what a bulk change
     * builds its tables with instead of n insertions.
     */
    static <K, V> PersistentSortedMap<K, V> ofSorted(Comparator<? super K> order, List<K> keys, List<V> values) {
        PersistentSortedMap<K, V> map = new PersistentSortedMap<>(order, null);
        // the Cartesian tree of the priorities, with the stack of its right spine
        ArrayDeque<Building<K, V>> spine = new ArrayDeque<>();
        Building<K, V> previousKey = null;
        for (int i = 0; i < keys.size(); i++) {
            Building<K, V> cur = new Building<>(keys.get(i), values.get(i), priority(keys.get(i)));
            if (previousKey != null && order.compare(previousKey.key, cur.key) >= 0) {
                throw new IllegalArgumentException("keys not sorted and distinct at " + i + ": " + cur.key);
            }
            previousKey = cur;
            Building<K, V> last = null;
            // an earlier key is above a later one of equal priority (see above())
            while (!spine.isEmpty() && spine.peek().priority < cur.priority) {
                last = spine.pop();
            }
            cur.left = last;
            if (!spine.isEmpty()) {
                spine.peek().right = cur;
            }
            spine.push(cur);
        }
        return spine.isEmpty() ? map : new PersistentSortedMap<>(order, spine.peekLast().freeze());
    }

    static <K extends Comparable<? super K>, V> PersistentSortedMap<K, V> ofSorted(List<K> keys, List<V> values) {
        return ofSorted(Comparator.naturalOrder(), keys, values);
    }

    /** A node of a tree being built by {@link #ofSorted}, mutable until frozen. */
    private static final class Building<K, V> {
        final K key;
        final V value;
        final int priority;
        Building<K, V> left;
        Building<K, V> right;

        Building(K key, V value, int priority) {
            this.key = key;
            this.value = value;
            this.priority = priority;
        }

        Node<K, V> freeze() {
            return Node.of(key, value, priority, left == null ? null : left.freeze(), right == null ? null : right.freeze());
        }
    }

    public int size() {
        return sizeOf(root);
    }

    boolean isEmpty() {
        return root == null;
    }

    public V get(K key) {
        Node<K, V> n = node(key);
        return n == null ? null : n.value;
    }

    private Node<K, V> node(K key) {
        Node<K, V> n = root;
        while (n != null) {
            int c = order.compare(key, n.key);
            if (c == 0) {
                return n;
            }
            n = c < 0 ? n.left : n.right;
        }
        return null;
    }

    /** This map with {@code key} mapped to {@code value} (replacing any value it had). */
    public PersistentSortedMap<K, V> with(K key, V value) {
        Split<K, V> s = split(root, key);
        Node<K, V> single = Node.of(key, value, priority(key), null, null);
        return new PersistentSortedMap<>(order, merge(merge(s.less, single), s.greater));
    }

    /** This map without {@code key}; the same map when it has no such key. */
    public PersistentSortedMap<K, V> without(K key) {
        if (get(key) == null) {
            return this;
        }
        Split<K, V> s = split(root, key);
        return new PersistentSortedMap<>(order, merge(s.less, s.greater));
    }

    /** The values in key order: a view, O(1) to take, O(log n) per {@code get(i)}, O(1) per step of its iterator. */
    java.util.List<V> values() {
        return new AbstractList<>() {
            @Override
            public V get(int index) {
                if (index < 0 || index >= size()) {
                    throw new IndexOutOfBoundsException(index);
                }
                Node<K, V> n = root;
                while (true) {
                    int left = sizeOf(n.left);
                    if (index < left) {
                        n = n.left;
                    } else if (index == left) {
                        return n.value;
                    } else {
                        index -= left + 1;
                        n = n.right;
                    }
                }
            }

            @Override
            public int size() {
                return PersistentSortedMap.this.size();
            }

            @Override
            public Iterator<V> iterator() {
                Iterator<Node<K, V>> nodes = nodes();
                return new Iterator<>() {
                    @Override
                    public boolean hasNext() {
                        return nodes.hasNext();
                    }

                    @Override
                    public V next() {
                        return nodes.next().value;
                    }
                };
            }
        };
    }

    /**
     * {@code map} as a persistent map in its keys' natural order: the very tree when {@code map}
     * is the {@link #asMap} view of one (O(1)), else a sorted copy (O(n log n)).
     */
    @SuppressWarnings("unchecked")
    public static <K extends Comparable<? super K>, V> PersistentSortedMap<K, V> from(java.util.Map<K, V> map) {
        if (map instanceof MapView<?, ?> view && view.tree.order == Comparator.naturalOrder()) {
            return (PersistentSortedMap<K, V>) view.tree;
        }
        java.util.TreeMap<K, V> sorted = new java.util.TreeMap<>(map);
        return ofSorted(new java.util.ArrayList<>(sorted.keySet()), new java.util.ArrayList<>(sorted.values()));
    }

    /** This map as an unmodifiable {@link java.util.Map} in key order: a view, O(1) to take, O(log n) per lookup. */
    public java.util.Map<K, V> asMap() {
        return new MapView<>(this);
    }

    private static final class MapView<K, V> extends java.util.AbstractMap<K, V> {
        private final PersistentSortedMap<K, V> tree;

        MapView(PersistentSortedMap<K, V> tree) {
            this.tree = tree;
        }

        @Override
        public int size() {
            return tree.size();
        }

        @Override
        public V get(Object key) {
            Node<K, V> n = node(key);
            return n == null ? null : n.value;
        }

        @Override
        public boolean containsKey(Object key) {
            return node(key) != null;
        }

        @SuppressWarnings("unchecked")
        private Node<K, V> node(Object key) {
            try {
                return key == null ? null : tree.node((K) key);
            } catch (ClassCastException e) {
                return null; // a key of another type is not in the map
            }
        }

        @Override
        public void forEach(BiConsumer<? super K, ? super V> action) {
            tree.forEach(action);
        }

        @Override
        public java.util.Set<Entry<K, V>> entrySet() {
            return new java.util.AbstractSet<>() {
                @Override
                public int size() {
                    return tree.size();
                }

                @Override
                public Iterator<Entry<K, V>> iterator() {
                    Iterator<Node<K, V>> nodes = tree.nodes();
                    return new Iterator<>() {
                        @Override
                        public boolean hasNext() {
                            return nodes.hasNext();
                        }

                        @Override
                        public Entry<K, V> next() {
                            Node<K, V> n = nodes.next();
                            return new java.util.AbstractMap.SimpleImmutableEntry<>(n.key, n.value);
                        }
                    };
                }
            };
        }
    }

    /** Every key and value in key order. */
    void forEach(BiConsumer<? super K, ? super V> action) {
        for (Iterator<Node<K, V>> it = nodes(); it.hasNext(); ) {
            Node<K, V> n = it.next();
            action.accept(n.key, n.value);
        }
    }

    private Iterator<Node<K, V>> nodes() {
        ArrayDeque<Node<K, V>> path = new ArrayDeque<>();
        for (Node<K, V> n = root; n != null; n = n.left) {
            path.push(n);
        }
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return !path.isEmpty();
            }

            @Override
            public Node<K, V> next() {
                if (path.isEmpty()) {
                    throw new NoSuchElementException();
                }
                Node<K, V> n = path.pop();
                for (Node<K, V> m = n.right; m != null; m = m.left) {
                    path.push(m);
                }
                return n;
            }
        };
    }

    private Split<K, V> split(Node<K, V> n, K key) {
        if (n == null) {
            return new Split<>(null, null, null);
        }
        int c = order.compare(key, n.key);
        if (c == 0) {
            return new Split<>(n.left, n, n.right);
        }
        if (c < 0) {
            Split<K, V> s = split(n.left, key);
            return new Split<>(s.less, s.equal, n.with(s.greater, n.right));
        }
        Split<K, V> s = split(n.right, key);
        return new Split<>(n.with(n.left, s.less), s.equal, s.greater);
    }

    /** Joins two trees, every key of {@code a} below every key of {@code b}. */
    private Node<K, V> merge(Node<K, V> a, Node<K, V> b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        if (above(a, b)) {
            return a.with(a.left, merge(a.right, b));
        }
        return b.with(merge(a, b.left), b.right);
    }

    /** Heap order on priorities; equal priorities (a hash collision) are ordered by key, so the shape stays canonical. */
    private boolean above(Node<K, V> a, Node<K, V> b) {
        return a.priority != b.priority ? a.priority > b.priority : order.compare(a.key, b.key) < 0;
    }

    private static int priority(Object key) {
        // murmur3's finaliser: consecutive ids ("u1", "u2", ...) must not give a list-like tree
        int h = key.hashCode();
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        return h ^ (h >>> 16);
    }

    private static int sizeOf(Node<?, ?> n) {
        return n == null ? 0 : n.size;
    }
}
