package dev.restora.esrgan;

import dev.restora.core.models.ModelFile;
import java.util.List;
import java.util.Locale;

/**
 * The UpscalerJS model packages ({@code @upscalerjs/esrgan-slim|medium|thick@1.0.0}, MIT, trained on DIV2K) and
 * their scales, with every published file's size and SHA-256 (as in the npm tarballs). slim and medium are RDN
 * graphs (Zhang et al. 2018) fed pixel values in [0, 255]; thick is an RRDN graph (ESRGAN's residual-in-residual
 * dense blocks, Wang et al. 2018) fed [0, 1]. Only {@link #THICK_X4} ships inside the plugin; the others are
 * fetched by the model store from the jsDelivr mirror of npm.
 */
enum EsrganVariant {
    THICK_X4("thick", 4, List.of(
            file("thick", 4, "model.json", 193998L,
                    "960433910ae4b2bff56d78a9d6dffc1289db3441bd67436c574b850dca429461"),
            file("thick", 4, "group1-shard1of7.bin", 4194304L,
                    "c2f3147cabd7451ca3c93090c0a0284034a2e1356c0ca16f72d39c46ab7fc9ea"),
            file("thick", 4, "group1-shard2of7.bin", 4194304L,
                    "6340d34ef2a1bf7cf32d5fc456662e39f9872a51d500a10907b9313f6278eb16"),
            file("thick", 4, "group1-shard3of7.bin", 4194304L,
                    "3467d72b6b9297dcf175244bc3462074ff7ed5c44f8dc3ba7a52bc843a51ee88"),
            file("thick", 4, "group1-shard4of7.bin", 4194304L,
                    "c384e24ac8c11bd3e2a9211fcadc8a9077345cd780e59245e758b622f37c83ae"),
            file("thick", 4, "group1-shard5of7.bin", 4194304L,
                    "90a60275d08465ba206116731639d5d9c0c44102b7796c68d1346fa0d997eed0"),
            file("thick", 4, "group1-shard6of7.bin", 4194304L,
                    "1bfa5f625a7316030ac47b420e2a77b809bce28519d069c45cfa7567d223e524"),
            file("thick", 4, "group1-shard7of7.bin", 3877136L,
                    "349e03caf92240e7643f587f36501bd4826e55fa8dc334b29b17cf2699d341e3"))),
    THICK_X2("thick", 2, List.of(
            file("thick", 2, "model.json", 193998L,
                    "fa724ce9e0fc0e17af6422f8c981c10c8cbff039e8205911613b610b74446b96"),
            file("thick", 2, "group1-shard1of7.bin", 4194304L,
                    "61d89b10b777baa25042a99b1dc6747259b8d534327a102234514e5d51e10bbb"),
            file("thick", 2, "group1-shard2of7.bin", 4194304L,
                    "0e00153883cad381e8a61e393df9cc387f688ec29682f22e3b49c6385b92036d"),
            file("thick", 2, "group1-shard3of7.bin", 4194304L,
                    "b6738bb9c0f3e950f0b446c5789ff9cba4436debc2b6df41703aafddd146c8cd"),
            file("thick", 2, "group1-shard4of7.bin", 4194304L,
                    "1a29e528ddfd2e266f6cd9e783447aeb76501d9124679092886585b591811e03"),
            file("thick", 2, "group1-shard5of7.bin", 4194304L,
                    "3b22a4bc2cbd12ab3e7d9b6cc8e91109721232c0a4992670573a99c5477ec5ec"),
            file("thick", 2, "group1-shard6of7.bin", 4194304L,
                    "f5b06f4b6dee42f9e91ced00f5ab142b9d712aac9ae8c93b98fc0ecaad5d7ae8"),
            file("thick", 2, "group1-shard7of7.bin", 3794048L,
                    "313b834bbe681c564f92e13c7d9a240a30f01d5836048438e1351780cca0d312"))),
    THICK_X3("thick", 3, List.of(
            file("thick", 3, "model.json", 193998L,
                    "48329aa1d773000c775b0cad55ab6dafd6e516e5ac16227988649daa0cfc83ac"),
            file("thick", 3, "group1-shard1of7.bin", 4194304L,
                    "8636aae49965c848e68351cd19779407bc6491a9aec276e22c8c9170d6caecf3"),
            file("thick", 3, "group1-shard2of7.bin", 4194304L,
                    "1761e246a976450f3b1e0b1bd98398998fffa6ae1cb91ef5f5dc8c69f25e2a7f"),
            file("thick", 3, "group1-shard3of7.bin", 4194304L,
                    "2e13d04393bc357a4f4e78af7bc0bb2a5941f36d41c6cc026c664a841bb506b6"),
            file("thick", 3, "group1-shard4of7.bin", 4194304L,
                    "fd9c4777b134ce0451d29d22235f3898487b62df78bc9bf3b392eeccf6318694"),
            file("thick", 3, "group1-shard5of7.bin", 4194304L,
                    "0378f8822718ab22bbb033e35e7da7ab962ab29fe5ddd95713d70c2a6c2e921a"),
            file("thick", 3, "group1-shard6of7.bin", 4194304L,
                    "29106164672f2ee7e34c942d125f5a7a0ebf1aeb8c81c6406d9efd5c7478784c"),
            file("thick", 3, "group1-shard7of7.bin", 3828668L,
                    "51d5ef16c7258b26b3ee2c714df127b81839d1153bf1b30e44e274225bb49b5c"))),
    THICK_X8("thick", 8, List.of(
            file("thick", 8, "model.json", 194025L,
                    "7031492e93c64bc450dbeaa20b4bbf9c519fe901506b051cd941c05f98a6236b"),
            file("thick", 8, "group1-shard1of8.bin", 4194304L,
                    "4316add8b58f0a31f65d2e66c53a8d41f7ab554aaff824933ccc5f21856b0510"),
            file("thick", 8, "group1-shard2of8.bin", 4194304L,
                    "0539bc3d025be0986f128c8165cbe184147e0520bf3bd005c6301fb3647e0bc1"),
            file("thick", 8, "group1-shard3of8.bin", 4194304L,
                    "5e2d3091b9753ea703b6950a20081a3821927f46ec5b92e372a2981c5d97754f"),
            file("thick", 8, "group1-shard4of8.bin", 4194304L,
                    "571a47db779ab4c5b4b4ef0c32bcbcd326f7842ca49add0e3c8e93362b10d19f"),
            file("thick", 8, "group1-shard5of8.bin", 4194304L,
                    "4b5518717b01028f889de440bf5a97c2dc3f117653bdd89bd18eba98933f77b9"),
            file("thick", 8, "group1-shard6of8.bin", 4194304L,
                    "28d51ed82026769fcb39ce3a17a0a27105818b7ce146c30e9634fbbc73499d88"),
            file("thick", 8, "group1-shard7of8.bin", 4194304L,
                    "58e0606462e22f8e6bbe402c6da30cfca0468e8154909ef64da719e47e9012ae"),
            file("thick", 8, "group1-shard8of8.bin", 15184L,
                    "dbe91a392603a136efc0f0f838ea8d85f5957a83d9a60865bcb3077ae997cdbe"))),
    MEDIUM_X4("medium", 4, List.of(
            file("medium", 4, "model.json", 30051L,
                    "6abcf2a497bb361a9b75afbab390a2bc0df88236c7b7c96edc1c2cdbdbec8e3c"),
            file("medium", 4, "group1-shard1of1.bin", 2818444L,
                    "ed791214e78e498dd42ce5da0e16b78a1047732e5d99467aaead2a90cb566a69"))),
    MEDIUM_X2("medium", 2, List.of(
            file("medium", 2, "model.json", 30051L,
                    "197b99be1f385b9f7914ecd8fd6e9ebf65833859807aae90666188dbc39cbf93"),
            file("medium", 2, "group1-shard1of1.bin", 2772940L,
                    "6a210f30f209192bad4650ea4f619adadbd36228e998aa49a4195c6e7ec70761"))),
    MEDIUM_X3("medium", 3, List.of(
            file("medium", 3, "model.json", 30051L,
                    "fcf99e8e6b98b19e496d4ceb9d381b0d1236a6e62fbc3952eedf70b9596d8a8a"),
            file("medium", 3, "group1-shard1of1.bin", 2791900L,
                    "e164821f4251957f5037fb93d1e9a719c17d4346e102bf24d8e8fb60757df48b"))),
    MEDIUM_X8("medium", 8, List.of(
            file("medium", 8, "model.json", 30055L,
                    "0e38431a05b744f88517b1c3dac48c0722a27fc733a7d0ed36789c99c4c302a5"),
            file("medium", 8, "group1-shard1of1.bin", 3000460L,
                    "722218d6ef8761836f345786f1befd14d8d81c793ab29d9d314ff4521ce5536f"))),
    SLIM_X4("slim", 4, List.of(
            file("slim", 4, "model.json", 12336L,
                    "3a2eaa642232567e7d2a2e7638c9704f42f63f355fc656c18aa78bf2da1d903d"),
            file("slim", 4, "group1-shard1of1.bin", 933804L,
                    "82637daaf3ba024df5e9da2389e8992e7a6e8a992ba6268ce6bc490c92e9516e"))),
    SLIM_X2("slim", 2, List.of(
            file("slim", 2, "model.json", 12336L,
                    "8efb488c2caed0196a6163e3f06798f9245e92623ffd50654a26c372e09150ea"),
            file("slim", 2, "group1-shard1of1.bin", 888300L,
                    "5cb464ae4d390ce0a771afd5feaf60fbfcdb18ab48a56db98cdf6b88202369de"))),
    SLIM_X3("slim", 3, List.of(
            file("slim", 3, "model.json", 12336L,
                    "642208758cf6c42a4f88745894b45cc03776681a46027b85963f01fe003e9917"),
            file("slim", 3, "group1-shard1of1.bin", 907260L,
                    "9d344609abd1e29bd3924f9c4e9ffaa1aee6be7c3586bab0f52863597858a2ba"))),
    SLIM_X8("slim", 8, List.of(
            file("slim", 8, "model.json", 12340L,
                    "d4278813adf94b7dff96c756b97f95a41f56ff7e85b4ecec25dc06ddea1d49b6"),
            file("slim", 8, "group1-shard1of1.bin", 1115820L,
                    "0c5fe31649784135a431733f0f295838c5330f8f38011c10d29d36bd8dd7c293")));

    static final String VERSION = "1.0.0";
    static final String CDN = "https://cdn.jsdelivr.net/npm/@upscalerjs/esrgan-%s@" + VERSION + "/models/x%d/%s";
    /** Where the bundled model lies on the class path (and the test models in the tests). */
    static final String RESOURCES = "dev/restora/esrgan/models/";

    private final String pkg;
    private final int scale;
    private final List<ModelFile> files;

    EsrganVariant(String pkg, int scale, List<ModelFile> files) {
        this.pkg = pkg;
        this.scale = scale;
        this.files = files;
    }

    private static ModelFile file(String pkg, int scale, String name, long size, String sha256) {
        return new ModelFile(name, String.format(Locale.ROOT, CDN, pkg, scale, name), size, sha256);
    }

    /** The model id and the catalog entry id, e.g. {@code esrgan-thick-x4}. */
    String id() {
        return "esrgan-" + pkg + "-x" + scale;
    }

    String packageName() {
        return "esrgan-" + pkg;
    }

    /** {@code @upscalerjs/esrgan-thick@1.0.0}, as the parity manifest names it. */
    String npmPackage() {
        return "@upscalerjs/esrgan-" + pkg + "@" + VERSION;
    }

    int scale() {
        return scale;
    }

    /** The upper end of the pixel range the network is fed and produces: 255 (RDN) or 1 (RRDN). */
    float networkRange() {
        return this == THICK_X2 || this == THICK_X3 || this == THICK_X4 || this == THICK_X8 ? 1f : 255f;
    }

    String architecture() {
        return networkRange() == 1f ? "RRDN" : "RDN";
    }

    boolean bundled() {
        return this == THICK_X4;
    }

    List<ModelFile> files() {
        return files;
    }

    long totalBytes() {
        return files.stream().mapToLong(ModelFile::sizeBytes).sum();
    }

    /** The class-path folder of a bundled (or, in tests, test-resource) copy. */
    String resourceFolder() {
        return RESOURCES + id();
    }

    /** The variant the manifest's package and model path name ({@code models/x4/model.json}), or null. */
    static EsrganVariant of(String npmPackage, String modelPath) {
        for (EsrganVariant v : values()) {
            if (v.npmPackage().equals(npmPackage) && modelPath.equals("models/x" + v.scale + "/model.json")) {
                return v;
            }
        }
        return null;
    }
}
