/**
 * Packing a project directory into a Celaut service.
 *
 * <p>{@link org.celaut.sdk.pack.ServicePacker} reads {@code <project>/.service/service.json} and
 * the root filesystem {@code <project>/rootfs/}, builds a deterministic {@code celaut.Service}
 * and writes its serialization; the service id is the SHA3-256 of exactly those bytes. Every
 * bad input is reported as a {@link org.celaut.sdk.pack.PackException} whose message names the
 * file, field or path at fault.
 */
package org.celaut.sdk.pack;
