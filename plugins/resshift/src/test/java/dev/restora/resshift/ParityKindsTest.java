package dev.restora.resshift;

import dev.restora.core.parity.ParityCases;
import dev.restora.core.parity.ParityFixtures;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every case kind in the ResShift manifest is run by one of this plugin's parity tests (else: unsupported, a failure). */
class ParityKindsTest {
    static final Map<String, String> RUN_BY = Map.of(
            "building_block", "BuildingBlockParityTest (NetworkParityTest for those with a checkpoint)",
            "single_forward", "NetworkParityTest",
            "pipeline", "SamplerParityTest, PipelineParityTest");

    @Test
    void everyCaseKindIsRun() {
        ParityCases.assertKindsRun(ParityFixtures.family("resshift"), RUN_BY);
    }
}
