package dev.restora.resshift;

import dev.restora.core.models.CatalogEntry;
import dev.restora.resshift.unet.UNetConfig;
import dev.restora.resshift.vq.VQConfig;
import java.util.List;

/** The released ResShift / SinSR configurations and their weight files (spec §1.2, §4.1, §5). */
public final class ResShiftModels {
    static final String RELEASE = "https://github.com/zsyOAOA/ResShift/releases/download/v2.0/";
    static final String SINSR_RELEASE = "https://github.com/wyf0912/SinSR/releases/download/v1.0/";
    static final String RESSHIFT_LICENCE = "ResShift weights: S-Lab License 1.0, non-commercial use only "
            + "(https://github.com/zsyOAOA/ResShift/blob/journal/LICENSE). Redistribution and commercial use need "
            + "the authors' permission.";
    static final String SINSR_LICENCE = "SinSR weights (distilled from ResShift): research / non-commercial use only, "
            + "see https://github.com/wyf0912/SinSR and ResShift's S-Lab License 1.0.";

    public static final String VQ_F4 = "resshift-vq-f4";
    public static final String VQ_F4_FACE = "resshift-vq-f4-face";
    public static final String VQ_F8_FACE = "resshift-vq-f8-face";

    private ResShiftModels() {
    }

    /** One catalog entry per weight file. Sizes are unknown until the first download (the spec only estimates). */
    public static List<CatalogEntry> catalog() {
        return List.of(
                resshift("resshift-realsr-x4-v1", "resshift_realsrx4_s15_v1.pth", "resshift_realsrx4_s15_v1.pth",
                        "ResShift v1 denoiser, real-world SR x4, 15 steps (118.6 M parameters)"),
                resshift("resshift-realsr-x4-v2", "resshift_realsrx4_s15_v2.pth", "resshift_realsrx4_s15_v2.pth",
                        "ResShift v2 denoiser, real-world SR x4, 15 steps (118.6 M parameters)"),
                resshift("resshift-realsr-x4-v3", "resshift_realsrx4_s4_v3.pth", "resshift_realsrx4_s4_v3.pth",
                        "ResShift v3 denoiser, real-world SR x4, 4 steps (118.6 M parameters)"),
                resshift("resshift-bicsr-x4", "resshift_bicsrx4_s4.pth", "resshift_bicsrx4_s4.pth",
                        "ResShift denoiser, bicubic SR x4, 4 steps (118.6 M parameters)"),
                resshift("resshift-inpaint-imagenet", "resshift_inpaint_imagenet_s4.pth",
                        "resshift_inpainting_imagenet_s4.pth", "ResShift inpainting denoiser, ImageNet, 4 steps"),
                resshift("resshift-inpaint-face", "resshift_inpaint_face_s4.pth", "resshift_inpainting_face_s4.pth",
                        "ResShift inpainting denoiser, faces, 4 steps"),
                resshift("resshift-faceir", "resshift_faceir_s4.pth", "resshift_faceir_s4.pth",
                        "ResShift blind face restoration denoiser, 4 steps"),
                resshift(VQ_F4, "autoencoder_vq_f4.pth", "autoencoder_vq_f4.pth",
                        "VQ-f4 autoencoder (55.3 M parameters), shared by SR, ImageNet inpainting and SinSR"),
                resshift(VQ_F4_FACE, "celeba256_vq_f4_dim3_face.pth", "celeba256_vq_f4_dim3_face.pth",
                        "VQ-f4 face autoencoder for face inpainting"),
                resshift(VQ_F8_FACE, "ffhq512_vq_f8_dim8_face.pth", "ffhq512_vq_f8_dim8_face.pth",
                        "VQ-f8 face autoencoder (77.0 M parameters) for blind face restoration"),
                new CatalogEntry("sinsr-v1", "SinSR_v1.pth", SINSR_RELEASE + "SinSR_v1.pth", -1, null, SINSR_LICENCE,
                        true, "SinSR one-step student of ResShift, real-world SR x4 (118.6 M parameters)"));
    }

    private static CatalogEntry resshift(String id, String fileName, String urlName, String description) {
        return new CatalogEntry(id, fileName, RELEASE + urlName, -1, null, RESSHIFT_LICENCE, true, description);
    }

    /** The selectable models, the default first. */
    public static List<ResShiftVariant> variants() {
        UNetConfig sr = UNetConfig.realSr();
        VQConfig f4 = VQConfig.f4();
        return List.of(
                new ResShiftVariant("realsr-x4-v3", "ResShift v3 - real-world SR x4 (4 steps)",
                        "Real-world super-resolution x4 (journal release, 4 steps).", Task.SUPER_RESOLUTION, sr, f4,
                        "resshift-realsr-x4-v3", VQ_F4, 4, 2.0, 0.2, 0.3, 0.99, false, 4, 64, false, 512),
                new ResShiftVariant("realsr-x4-v2", "ResShift v2 - real-world SR x4 (15 steps)",
                        "Real-world super-resolution x4 (conference model, 15 steps, 500k iterations).",
                        Task.SUPER_RESOLUTION, sr, f4, "resshift-realsr-x4-v2", VQ_F4, 15, 2.0, 0.04, 0.3, 0.99, false,
                        4, 64, false, 512),
                new ResShiftVariant("realsr-x4-v1", "ResShift v1 - real-world SR x4 (15 steps)",
                        "Real-world super-resolution x4 (first release, 15 steps).", Task.SUPER_RESOLUTION, sr, f4,
                        "resshift-realsr-x4-v1", VQ_F4, 15, 2.0, 0.04, 0.3, 0.99, false, 4, 64, false, 512),
                new ResShiftVariant("bicsr-x4", "ResShift - bicubic SR x4 (4 steps)",
                        "Super-resolution x4 of bicubically downsampled images (4 steps).", Task.SUPER_RESOLUTION, sr,
                        f4, "resshift-bicsr-x4", VQ_F4, 4, 2.0, 0.2, 0.3, 0.99, false, 4, 64, false, 512),
                new ResShiftVariant("inpaint-imagenet", "ResShift - inpainting (ImageNet, 4 steps)",
                        "Fills the white region of a mask file (parameter 'mask', same size as the image).",
                        Task.INPAINTING, UNetConfig.inpainting(), f4, "resshift-inpaint-imagenet", VQ_F4, 4, 2.0,
                        0.2, 0.3, 0.99, false, 1, 256, false, 2048),
                new ResShiftVariant("inpaint-face", "ResShift - face inpainting (4 steps)",
                        "Fills the white region of a mask file in a face photo (parameter 'mask').", Task.INPAINTING,
                        UNetConfig.inpainting(), f4, "resshift-inpaint-face", VQ_F4_FACE, 4, 2.0, 0.2, 0.3, 0.99,
                        false, 1, 256, false, 2048),
                new ResShiftVariant("faceir", "ResShift - blind face restoration (4 steps)",
                        "Restores degraded aligned face crops (512x512) at the same size.", Task.FACE_RESTORATION,
                        UNetConfig.faceRestoration(), VQConfig.f8Face(), "resshift-faceir", VQ_F8_FACE, 4, 2.0, 0.2,
                        0.3, 0.99, false, 1, 512, false, 2048),
                new ResShiftVariant("sinsr-x4", "SinSR - real-world SR x4 (one step)",
                        "SinSR, a one-step student distilled from ResShift (15-step schedule, evaluated at t = 14).",
                        Task.SUPER_RESOLUTION, sr, f4, "sinsr-v1", VQ_F4, 15, 2.0, 0.04, 0.3, 0.99, true, 4, 64, true,
                        512));
    }
}
