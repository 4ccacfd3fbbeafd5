package dev.restora.core.jobs;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The jobs waiting for a worker, in run order: every INTERACTIVE job before every BATCH job, and within a priority
 * the order of submission unless the user reorders them (the studio's queue view moves jobs up and down). Workers
 * block in {@link #take}; {@link #pause()} holds them (running jobs go on). Thread-safe.
 */
public final class JobQueue {
    private static final Logger LOG = LoggerFactory.getLogger(JobQueue.class);

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final List<Job<?>> jobs = new ArrayList<>();
    private final List<Runnable> changeListeners = new CopyOnWriteArrayList<>();
    private boolean paused;
    private boolean closed;

    /**
     * Appends {@code job} after the last queued job of its priority or higher.
     *
     * @throws IllegalStateException when the queue is closed or the job is not QUEUED
     */
    public void add(Job<?> job) {
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("the job queue is closed");
            }
            if (job.state() != JobState.QUEUED) {
                throw new IllegalStateException(job + " is not queued");
            }
            if (jobs.contains(job)) {
                throw new IllegalStateException(job + " is already in the queue");
            }
            int at = jobs.size();
            while (at > 0 && jobs.get(at - 1).priority().compareTo(job.priority()) > 0) {
                at--;
            }
            jobs.add(at, job);
            job.enqueued(this);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        fireChanged();
    }

    /**
     * Puts a job back at the front of its priority (a job moved to another device after its run failed there: it
     * has waited its turn already).
     *
     * @return false when the queue is closed or the job is no longer QUEUED (cancelled meanwhile)
     */
    boolean addFront(Job<?> job) {
        lock.lock();
        try {
            if (closed || job.state() != JobState.QUEUED || jobs.contains(job)) {
                return false;
            }
            int at = 0;
            while (at < jobs.size() && jobs.get(at).priority().compareTo(job.priority()) < 0) {
                at++;
            }
            jobs.add(at, job);
            job.enqueued(this);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        fireChanged();
        return true;
    }

    /**
     * Removes and returns the first job that {@code accepts} allows, waiting while none does or the queue is
     * paused.
     *
     * @return the job, or null once the queue is closed
     */
    public Job<?> take(Predicate<Job<?>> accepts) throws InterruptedException {
        return poll(accepts, Long.MAX_VALUE, TimeUnit.NANOSECONDS);
    }

    /** As {@link #take} but gives up after {@code timeout}, returning null. */
    public Job<?> poll(Predicate<Job<?>> accepts, long timeout, TimeUnit unit) throws InterruptedException {
        long nanos = unit.toNanos(timeout);
        Job<?> found = null;
        lock.lockInterruptibly();
        try {
            while (!closed) {
                if (!paused) {
                    for (int i = 0; i < jobs.size(); i++) {
                        if (accepts.test(jobs.get(i))) {
                            found = jobs.remove(i);
                            break;
                        }
                    }
                    if (found != null) {
                        break;
                    }
                }
                if (nanos <= 0) {
                    return null;
                }
                nanos = changed.awaitNanos(nanos);
            }
        } finally {
            lock.unlock();
        }
        if (found != null) {
            fireChanged();
        }
        return found;
    }

    /** Removes a job (a cancelled one); false when it was not queued. */
    boolean remove(Job<?> job) {
        boolean removed;
        lock.lock();
        try {
            removed = jobs.remove(job);
            if (removed) {
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
        if (removed) {
            fireChanged();
        }
        return removed;
    }

    /** The queued jobs in run order. */
    public List<Job<?>> snapshot() {
        lock.lock();
        try {
            return List.copyOf(jobs);
        } finally {
            lock.unlock();
        }
    }

    public int size() {
        lock.lock();
        try {
            return jobs.size();
        } finally {
            lock.unlock();
        }
    }

    /** Moves the job one place earlier among the jobs of its priority; false when it is first or not queued. */
    public boolean moveUp(Job<?> job) {
        return move(job, -1);
    }

    /** Moves the job one place later among the jobs of its priority; false when it is last or not queued. */
    public boolean moveDown(Job<?> job) {
        return move(job, 1);
    }

    /** Makes the job the next of its priority to run; false when it is not queued. */
    public boolean moveToFront(Job<?> job) {
        return move(job, Integer.MIN_VALUE);
    }

    /** Makes the job the last of its priority to run; false when it is not queued. */
    public boolean moveToBack(Job<?> job) {
        return move(job, Integer.MAX_VALUE);
    }

    private boolean move(Job<?> job, int by) {
        lock.lock();
        try {
            int i = jobs.indexOf(job);
            if (i < 0) {
                return false;
            }
            int j = i;
            if (by == Integer.MIN_VALUE) {
                while (j > 0 && jobs.get(j - 1).priority() == job.priority()) {
                    j--;
                }
            } else if (by == Integer.MAX_VALUE) {
                while (j < jobs.size() - 1 && jobs.get(j + 1).priority() == job.priority()) {
                    j++;
                }
            } else {
                int k = i + by;
                if (k >= 0 && k < jobs.size() && jobs.get(k).priority() == job.priority()) {
                    j = k;
                }
            }
            if (j == i) {
                return false;
            }
            jobs.remove(i);
            jobs.add(j, job);
        } finally {
            lock.unlock();
        }
        fireChanged();
        return true;
    }

    /**
     * Puts the queued jobs in the order given (the studio's drag and drop). Jobs of {@code order} no longer queued
     * are ignored; queued jobs missing from it keep their relative order after the listed ones. Priorities still
     * apply: the result is stably sorted INTERACTIVE first.
     */
    public void reorder(List<? extends Job<?>> order) {
        lock.lock();
        try {
            Set<Job<?>> next = new LinkedHashSet<>();
            for (Job<?> j : order) {
                if (jobs.contains(j)) {
                    next.add(j);
                }
            }
            next.addAll(jobs);
            List<Job<?>> sorted = new ArrayList<>(next);
            sorted.sort(Comparator.comparing(Job::priority));
            jobs.clear();
            jobs.addAll(sorted);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        fireChanged();
    }

    /** Stops handing out jobs; running jobs go on. */
    public void pause() {
        lock.lock();
        try {
            paused = true;
        } finally {
            lock.unlock();
        }
        fireChanged();
    }

    public void resume() {
        lock.lock();
        try {
            paused = false;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        fireChanged();
    }

    public boolean isPaused() {
        lock.lock();
        try {
            return paused;
        } finally {
            lock.unlock();
        }
    }

    /** Wakes the workers so they can re-test their acceptance of queued jobs. */
    void signalAll() {
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Closes the queue: {@link #take} returns null from now on. Returns the jobs still queued, removed. */
    List<Job<?>> close() {
        List<Job<?>> left;
        lock.lock();
        try {
            closed = true;
            left = List.copyOf(jobs);
            jobs.clear();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        fireChanged();
        return left;
    }

    public boolean isClosed() {
        lock.lock();
        try {
            return closed;
        } finally {
            lock.unlock();
        }
    }

    /** Called after every change of content, order or pause state (on the changing thread; return quickly). */
    public void addChangeListener(Runnable listener) {
        changeListeners.add(listener);
    }

    public void removeChangeListener(Runnable listener) {
        changeListeners.remove(listener);
    }

    private void fireChanged() {
        for (Runnable r : changeListeners) {
            try {
                r.run();
            } catch (RuntimeException e) {
                LOG.warn("queue listener failed", e);
            }
        }
    }
}
