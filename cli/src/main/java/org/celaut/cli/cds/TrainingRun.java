package org.celaut.cli.cds;

import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.celaut.cli.Main;
import org.celaut.proto.admin.InstanceInfo;
import org.celaut.proto.admin.ListInstancesResponse;
import org.celaut.proto.admin.ListServicesResponse;
import org.celaut.proto.admin.ServiceInfo;
import org.celaut.proto.buffer.Buffer;
import org.celaut.proto.celaut.Amount;
import org.celaut.proto.celaut.Instance;
import org.celaut.proto.celaut.Refund;
import org.celaut.proto.celaut.Service;
import org.celaut.proto.celaut.ServiceInstance;
import org.celaut.protocol.AdminMethods;
import org.celaut.protocol.GatewayMethods;
import org.celaut.protocol.bee.BeeEncoder;

/**
 * The run that decides what goes into the CLI's class-data-sharing archive ({@code
 * cli/target/celaut.jsa}, built by {@code cli/pom.xml} at package time and used by {@code
 * bin/celaut}): the client commands people type most — {@code ls}, {@code services}, {@code
 * start} (with and without an upload), {@code stop}, {@code --help}, and a node that cannot be
 * reached — each run through {@link Main} as the command line would, against a stand-in node in
 * this process.
 *
 * <p>Why a stand-in and not a node: building must not need Docker, and what is archived is the
 * client's side of a successful answer (HTTP/2, gRPC, the bee framing, protobuf, printing), which
 * the stand-in draws out just as a node would. The stand-in answers each call with fixed values
 * and checks nothing. Its own (server) classes land in the archive too; that costs disk, not
 * start-up time: an archived class that a command does not use is never loaded.
 *
 * <p>Run as {@code java -XX:DumpLoadedClassList=FILE -cp celaut.jar
 * org.celaut.cli.cds.TrainingRun [ID_FILE]}. With an argument it writes there what the archive
 * will only work with ({@link #archiveId}): JDK 17 maps an archive only for the JDK that dumped
 * it and for the jar at the very path it was dumped from, and otherwise runs with no sharing at
 * all, slower than with the JDK's own archive; so {@code bin/celaut} compares this file with its
 * own JDK and jar before it names the archive. Exits non-zero if a command failed, so that the
 * build says so.
 */
public final class TrainingRun {

  private static final String TOKEN = "0".repeat(63) + "1";

  private TrainingRun() {}

  public static void main(String[] args) throws Exception {
    AtomicInteger starts = new AtomicInteger();
    Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(admin())
        .addService(gateway(starts))
        .build()
        .start();
    Path dir = Files.createTempDirectory("celaut-cds-training");
    try {
      Path service = dir.resolve("training.service");
      Files.write(service, sampleService().toByteArray());
      String node = "127.0.0.1:" + server.getPort();
      run("ls", "--node", node);
      run("ls", "--all", "--json", "--node", node);
      run("services", "--node", node);
      run("services", "--json", "--node", node);
      run("start", service.toString(), "--node", node); // the stand-in lacks it: uploads
      run("start", service.toString(), "--json", "--node", node); // the stand-in has it
      run("stop", TOKEN, "--node", node);
      run("--help");
      // An unreachable node: the error path every client command shares. Port 1 is never ours.
      Main.run(sink(), sink(), "ls", "--node", "127.0.0.1:1");
      if (args.length > 0) {
        Path jar = Path.of(TrainingRun.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Files.writeString(Path.of(args[0]), archiveId(Path.of(System.getProperty("java.home")), jar));
      }
    } finally {
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      try (var walk = Files.walk(dir)) {
        walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /**
   * The identity an archive is valid for, as {@code bin/celaut} computes it too: the JDK's home and
   * the jar, both as real paths, one {@code key=value} per line.
   */
  public static String archiveId(Path javaHome, Path jar) throws IOException {
    return "java.home=" + javaHome.toRealPath() + "\njar=" + jar.toRealPath() + "\n";
  }

  private static void run(String... args) throws IOException {
    java.io.StringWriter err = new java.io.StringWriter();
    int code = Main.run(sink(), new PrintWriter(err), args);
    if (code != 0) {
      throw new IOException("training run: celaut " + String.join(" ", args) + " exited " + code + ": " + err);
    }
  }

  private static PrintWriter sink() {
    return new PrintWriter(Writer.nullWriter());
  }

  private static ServerServiceDefinition admin() {
    Instance inst = Instance.newBuilder().addUriSlot(Instance.Uri_Slot.newBuilder().setInternalPort(8080)
        .addUri(Instance.Uri.newBuilder().setIp("127.0.0.1").setPort(49160))).build();
    InstanceInfo info = InstanceInfo.newBuilder().setId("0123456789abcdef").setServiceId("ab".repeat(32))
        .setServiceTag("training").setState("RUNNING").setCreatedAtMs(1).setInstance(inst).build();
    return ServerServiceDefinition.builder(AdminMethods.SERVICE_NAME)
        .addMethod(AdminMethods.LIST_INSTANCES, ServerCalls.asyncUnaryCall((req, out) -> {
          out.onNext(ListInstancesResponse.newBuilder().addInstances(info).build());
          out.onCompleted();
        }))
        .addMethod(AdminMethods.LIST_SERVICES, ServerCalls.asyncUnaryCall((req, out) -> {
          out.onNext(ListServicesResponse.newBuilder().addServices(ServiceInfo.newBuilder()
              .setId("ab".repeat(32)).addTags("training").setSizeBytes(1024)).build());
          out.onCompleted();
        }))
        .build();
  }

  /**
   * StartService and StopService as a node answers them: the first start is told nothing (so the
   * client uploads the body), later ones get {@code signal} at once (the node holds the service).
   */
  private static ServerServiceDefinition gateway(AtomicInteger starts) {
    ServiceInstance started = ServiceInstance.newBuilder().setToken(TOKEN)
        .setInstance(Instance.newBuilder().addUriSlot(Instance.Uri_Slot.newBuilder().setInternalPort(8080)
            .addUri(Instance.Uri.newBuilder().setIp("127.0.0.1").setPort(49160))
            .addUri(Instance.Uri.newBuilder().setIp("172.18.0.2").setPort(8080))))
        .build();
    Refund refund = Refund.newBuilder().setAmount(Amount.newBuilder().setN("0")).build();
    return ServerServiceDefinition.builder(GatewayMethods.SERVICE_NAME)
        .addMethod(GatewayMethods.descriptor("StartService"), ServerCalls.asyncBidiStreamingCall(
            out -> answering(out, starts.getAndIncrement() > 0, 1, started)))
        .addMethod(GatewayMethods.descriptor("StopService"), ServerCalls.asyncBidiStreamingCall(
            out -> answering(out, false, 1, refund)))
        .build();
  }

  /** Reads the request until the client half-closes, then answers {@code answer} at {@code index}. */
  private static StreamObserver<Buffer> answering(StreamObserver<Buffer> out, boolean signalFirst, int index,
      com.google.protobuf.MessageLite answer) {
    return new StreamObserver<>() {
      private boolean signalled;

      @Override
      public void onNext(Buffer b) {
        if (signalFirst && !signalled) {
          signalled = true;
          out.onNext(BeeEncoder.signal());
        }
      }

      @Override
      public void onError(Throwable t) {
        // The client went away; nothing to answer.
      }

      @Override
      public void onCompleted() {
        BeeEncoder.message(index, answer).forEach(out::onNext);
        out.onCompleted();
      }
    };
  }

  /** A small, well-formed service: one busybox-like entrypoint, one HTTP slot. */
  private static Service sampleService() {
    Service.Container.Filesystem fs = Service.Container.Filesystem.newBuilder()
        .addBranch(Service.Container.Filesystem.ItemBranch.newBuilder().setName("service")
            .setFile(com.google.protobuf.ByteString.copyFromUtf8("#!/bin/sh\nexec httpd -f -p 8080\n")))
        .build();
    return Service.newBuilder()
        .setContainer(Service.Container.newBuilder()
            .setArchitecture(Service.Container.Architecture.newBuilder().addTags("linux/amd64"))
            .setFilesystem(fs.toByteString())
            .setInit(Service.Container.Init.newBuilder().addEntryPath("/service")))
        .setApi(Service.Api.newBuilder().addSlot(Service.Api.Slot.newBuilder().setPort(8080)))
        .build();
  }
}
