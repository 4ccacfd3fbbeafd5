package dev.restora.sgmse;

import dev.restora.core.parity.ParityCases;
import dev.restora.core.parity.ParityFixtures;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every case kind in the speech manifests is run by one of this plugin's parity tests (else: unsupported, a failure). */
class ParityKindsTest {
    static final Map<String, String> RUN_BY = Map.of(
            "building_block", "BuildingBlockParityTest, SignalParityTest, NetworkParityTest (by BlockKind)",
            "single_forward", "NetworkParityTest",
            "pipeline", "PipelineParityTest",
            "pipeline_partial", "OdeParityTest");

    @ParameterizedTest
    @ValueSource(strings = {"sgmse", "storm"})
    void everyCaseKindIsRun(String family) {
        ParityCases.assertKindsRun(ParityFixtures.family(family), RUN_BY);
    }
}
