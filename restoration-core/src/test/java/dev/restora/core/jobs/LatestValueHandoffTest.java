package dev.restora.core.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LatestValueHandoffTest {

    @Test
    void aBusyTargetGetsOnlyTheLatestValue() throws Exception {
        ExecutorService ui = Executors.newSingleThreadExecutor();
        try {
            CountDownLatch block = new CountDownLatch(1);
            ui.execute(() -> {
                try {
                    block.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            List<Integer> got = new CopyOnWriteArrayList<>();
            LatestValueHandoff<Integer> h = new LatestValueHandoff<>(ui, got::add);
            for (int i = 0; i < 1000; i++) {
                h.offer(i);
            }
            block.countDown();
            ui.submit(() -> { }).get(10, TimeUnit.SECONDS);
            assertEquals(List.of(999), got, "one delivery with the last value");
        } finally {
            ui.shutdownNow();
        }
    }

    @Test
    void concurrentOffersAlwaysEndOnTheLastValue() throws Exception {
        ExecutorService ui = Executors.newSingleThreadExecutor();
        try {
            List<Integer> got = new CopyOnWriteArrayList<>();
            LatestValueHandoff<Integer> h = new LatestValueHandoff<>(ui, got::add);
            for (int i = 0; i < 100_000; i++) {
                h.offer(i);
            }
            ui.submit(() -> { }).get(10, TimeUnit.SECONDS);
            assertEquals(99_999, got.get(got.size() - 1));
            for (int i = 1; i < got.size(); i++) {
                assertTrue(got.get(i) > got.get(i - 1), "in order, no repeats");
            }
            System.out.println("100000 offers, " + got.size() + " deliveries");
        } finally {
            ui.shutdownNow();
        }
    }
}
