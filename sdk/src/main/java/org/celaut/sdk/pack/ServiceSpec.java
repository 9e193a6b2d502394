package org.celaut.sdk.pack;

import java.util.List;
import org.celaut.proto.celaut.Service;

/**
 * A validated {@code service.json}: every field already in the shape it takes in the service.
 *
 * @param tag main name (goes to {@code Metadata}, never into the service)
 * @param prose description, empty if not given
 * @param architecture architecture tag, e.g. {@code linux/amd64}
 * @param entryPath entrypoint as path segments
 * @param entryField the field the entrypoint came from, for messages
 * @param slots api slots in declared order
 * @param envs declared variable names, sorted
 * @param resources container resources, or null if not declared
 * @param configPath config file path segments
 * @param networks declared networks in declared order
 * @param rootfs root filesystem directory relative to the project
 * @param rootfsGiven whether {@code rootfs} was written in the file (else it is the default)
 */
record ServiceSpec(
    String tag,
    String prose,
    String architecture,
    List<String> entryPath,
    String entryField,
    List<Service.Api.Slot> slots,
    List<String> envs,
    Service.Container.Resources resources,
    List<String> configPath,
    List<Service.Network> networks,
    String rootfs,
    boolean rootfsGiven) {

  ServiceSpec {
    entryPath = List.copyOf(entryPath);
    slots = List.copyOf(slots);
    envs = List.copyOf(envs);
    configPath = List.copyOf(configPath);
    networks = List.copyOf(networks);
  }
}
