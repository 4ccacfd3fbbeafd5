/**
 * The model store: the weight files plugins declare ({@link dev.restora.core.pipeline.PipelineProvider#catalog()},
 * gathered in a {@link dev.restora.core.models.ModelCatalog}) and where they live on disk
 * ({@link dev.restora.core.models.ModelStore}, {@code <app data>/models} unless {@code -Drestora.models.dir} or the
 * constructor says otherwise).
 *
 * <p>Layout of a store folder:
 * <pre>
 * models/
 *   index.json                 recorded SHA-256 (trust on first use), last verification, licence acceptances
 *   resshift_realsrx4_s4_v3.pth  complete, verified files only, under their catalog file names
 *   .partial/NAME.part         an interrupted download (resumed with an HTTP Range request)
 *   .partial/NAME.part.json    where the part came from (URL, ETag / Last-Modified for If-Range, total size)
 * </pre>
 *
 * <p>A user without network can always put a file at the path the error message names, or
 * {@code restora models import ID FILE}; the next {@code require} verifies it.
 */
package dev.restora.core.models;
