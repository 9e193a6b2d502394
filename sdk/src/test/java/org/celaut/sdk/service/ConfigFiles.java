package org.celaut.sdk.service;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.celaut.proto.celaut.BytesKeyValue;
import org.celaut.proto.celaut.Configuration;
import org.celaut.proto.celaut.ConfigurationFile;
import org.celaut.proto.celaut.Instance;
import org.celaut.proto.celaut.Service;
import org.celaut.proto.celaut.Sysresources;

/** Config files as a node writes them (raw serialized ConfigurationFile), for tests. */
public final class ConfigFiles {

  private ConfigFiles() {}

  /** The gateway block a node writes: one gRPC slot on {@code port}, reached at {@code ip:port}. */
  public static Instance gateway(String ip, int port) {
    return Instance.newBuilder()
        .setApi(Service.Api.newBuilder().addSlot(Service.Api.Slot.newBuilder()
            .setPort(port)
            .setTransport(Service.Api.Protocol.newBuilder().addTags("tcp"))
            .addProtocolStack(Service.Api.Protocol.newBuilder().addTags("grpc"))))
        .addUriSlot(Instance.Uri_Slot.newBuilder()
            .setInternalPort(port)
            .addUri(Instance.Uri.newBuilder().setIp(ip).setPort(port)))
        .build();
  }

  /** A whole config file. */
  public static ConfigurationFile of(Instance gateway, Map<String, String> env, Sysresources initial) {
    Configuration.Builder c = Configuration.newBuilder();
    env.forEach((k, v) -> c.addEnvironmentVariables(
        BytesKeyValue.newBuilder().setKey(k).setValue(ByteString.copyFromUtf8(v))));
    return ConfigurationFile.newBuilder().setGateway(gateway).setConfig(c).setInitialSysresources(initial).build();
  }

  /** Writes {@code cfg} to {@code file} as the node does: the bytes of the message, nothing else. */
  public static Path write(Path file, ConfigurationFile cfg) throws IOException {
    Files.write(file, cfg.toByteArray());
    return file;
  }
}
