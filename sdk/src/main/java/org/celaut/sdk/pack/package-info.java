/**
 * Packing a project directory into a Celaut service.
 *
 * <p>{@link org.celaut.sdk.pack.ServicePacker} reads {@code <project>/.service/service.json}, an
 * optional {@code pack_config.json}, and the image's filesystem (the folder {@code rootfs/}, or
 * the project's Dockerfile built with the local Docker engine), embeds the dependencies, and
 * writes a deterministic {@code celaut.Service}; the service id is the SHA3-256 of its fully
 * expanded serialization. A service with blocks (large files, the whole filesystem) is written as
 * a {@code .bee} file ({@link org.celaut.sdk.pack.BeeServiceFile}), any other as the plain
 * serialization. {@link org.celaut.sdk.pack.PackOptions} change the form, never the id. Every
 * bad input is reported as a {@link org.celaut.sdk.pack.PackException} whose message names the
 * file, field or path at fault.
 */
package org.celaut.sdk.pack;
