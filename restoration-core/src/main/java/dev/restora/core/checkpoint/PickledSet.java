package dev.restora.core.checkpoint;

import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * A pickled set or frozenset, kept in pickle order. Unlike a HashSet it never hashes its items by value, so
 * nested sets cost nothing to build (a chain of frozensets would otherwise be hashed recursively, quadratically).
 * Equality and hash code are by identity.
 */
final class PickledSet extends AbstractSet<Object> {
    private final List<Object> items = new ArrayList<>();

    @Override
    public boolean add(Object o) {
        items.add(o);
        return true;
    }

    @Override
    public Iterator<Object> iterator() {
        return items.iterator();
    }

    @Override
    public int size() {
        return items.size();
    }

    @Override
    public boolean equals(Object o) {
        return this == o;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(this);
    }
}
