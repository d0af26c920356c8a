// Kafka's Java clients against one cluster (Apache Kafka or Brokerlab), printing what they
// observed as sorted `key=value` lines that do not depend on ids, ports or timing, so the
// reference tests can compare both clusters' runs line by line. Run with Java's single-file
// source launcher: java -cp <Kafka's jars> ClientTour.java <bootstrap servers>
import java.time.Duration;
import java.util.*;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.*;
import org.apache.kafka.clients.consumer.*;
import org.apache.kafka.clients.producer.*;
import org.apache.kafka.common.*;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.*;

public class ClientTour {
    static final String TOPIC = "tour-events";
    static final String SCRATCH = "tour-scratch";
    static final String GROUP = "tour-group";
    static final int RECORDS = 100;
    static final SortedMap<String, String> seen = new TreeMap<>();

    static void see(String key, Object value) {
        seen.put(key, String.valueOf(value));
    }

    /** The exception a future failed with, by class name (its message is free to differ). */
    static String failure(KafkaFuture<?> future) {
        try {
            future.get();
            return "none";
        } catch (ExecutionException e) {
            return e.getCause().getClass().getName();
        } catch (InterruptedException e) {
            throw new RuntimeException(e);
        }
    }

    public static void main(String[] args) throws Exception {
        Properties common = new Properties();
        common.put("bootstrap.servers", args[0]);
        try (Admin admin = Admin.create(common)) {
            adminTour(admin);
            produce(common);
            consume(common);
            groupTour(admin);
        }
        seen.forEach((k, v) -> System.out.println(k + "=" + v));
    }

    static void adminTour(Admin admin) throws Exception {
        DescribeClusterResult cluster = admin.describeCluster();
        see("admin.cluster.nodes", cluster.nodes().get().size());
        see("admin.cluster.controller.present", cluster.controller().get() != null);
        see("admin.cluster.id.present", cluster.clusterId().get() != null);

        NewTopic events = new NewTopic(TOPIC, 3, (short) 3).configs(Map.of("min.insync.replicas", "2"));
        see("admin.create.events", failure(admin.createTopics(List.of(events, new NewTopic(SCRATCH, 1, (short) 1))).all()));
        see("admin.create.again", failure(admin.createTopics(List.of(new NewTopic(TOPIC, 3, (short) 3))).all()));
        see("admin.create.rf4", failure(admin.createTopics(List.of(new NewTopic("tour-rf-four", 1, (short) 4))).all()));
        see("admin.list", admin.listTopics().names().get().stream().filter(n -> n.startsWith("tour-")).sorted().collect(Collectors.toList()));

        TopicDescription described = admin.describeTopics(List.of(TOPIC)).allTopicNames().get().get(TOPIC);
        see("admin.describe.partitions", described.partitions().size());
        see("admin.describe.internal", described.isInternal());
        for (TopicPartitionInfo p : described.partitions()) {
            see("admin.describe.partition." + p.partition() + ".replicas", p.replicas().size());
            see("admin.describe.partition." + p.partition() + ".leaderIsFirstReplica", p.leader().id() == p.replicas().get(0).id());
        }
        see("admin.describe.unknown", failure(admin.describeTopics(List.of("tour-missing")).allTopicNames()));

        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, TOPIC);
        AlterConfigOp setRetention = new AlterConfigOp(new ConfigEntry("retention.ms", "3600000"), AlterConfigOp.OpType.SET);
        see("admin.alterConfigs", failure(admin.incrementalAlterConfigs(Map.of(resource, List.of(setRetention))).all()));
        // A broker answers DescribeConfigs from its metadata cache, which may lag the alter briefly.
        Config config = admin.describeConfigs(List.of(resource)).all().get().get(resource);
        for (long deadline = System.currentTimeMillis() + 10_000; !"3600000".equals(config.get("retention.ms").value()) && System.currentTimeMillis() < deadline; Thread.sleep(100)) {
            config = admin.describeConfigs(List.of(resource)).all().get().get(resource);
        }
        for (String name : List.of("min.insync.replicas", "retention.ms", "cleanup.policy", "segment.bytes")) {
            ConfigEntry entry = config.get(name);
            see("admin.config." + name, entry == null ? "absent" : entry.value() + " " + entry.source() + " readOnly=" + entry.isReadOnly());
        }
        AlterConfigOp badValue = new AlterConfigOp(new ConfigEntry("cleanup.policy", "sometimes"), AlterConfigOp.OpType.SET);
        see("admin.alterConfigs.invalid", failure(admin.incrementalAlterConfigs(Map.of(resource, List.of(badValue))).all()));

        see("admin.createPartitions", failure(admin.createPartitions(Map.of(SCRATCH, NewPartitions.increaseTo(2))).all()));
        see("admin.createPartitions.fewer", failure(admin.createPartitions(Map.of(SCRATCH, NewPartitions.increaseTo(1))).all()));
        see("admin.delete", failure(admin.deleteTopics(List.of(SCRATCH)).all()));
    }

    static void produce(Properties common) throws Exception {
        Properties props = new Properties();
        props.putAll(common);
        props.put("enable.idempotence", "true");
        props.put("acks", "all");
        props.put("key.serializer", StringSerializer.class.getName());
        props.put("value.serializer", StringSerializer.class.getName());
        List<RecordMetadata> acked = new ArrayList<>();
        try (Producer<String, String> producer = new KafkaProducer<>(props)) {
            List<java.util.concurrent.Future<RecordMetadata>> sends = new ArrayList<>();
            for (int i = 0; i < RECORDS; i++) sends.add(producer.send(new ProducerRecord<>(TOPIC, "key-" + i, "value-" + i)));
            producer.flush();
            for (var send : sends) acked.add(send.get());
        }
        // The default partitioner hashes keys (murmur2), so partitions and offsets are the same on any cluster.
        for (int i = 0; i < RECORDS; i++) see(String.format("producer.record.%03d", i), acked.get(i).partition() + "@" + acked.get(i).offset());
    }

    static void consume(Properties common) {
        Properties props = new Properties();
        props.putAll(common);
        props.put("group.id", GROUP);
        props.put("group.protocol", "classic");
        props.put("auto.offset.reset", "earliest");
        props.put("enable.auto.commit", "false");
        props.put("key.deserializer", StringDeserializer.class.getName());
        props.put("value.deserializer", StringDeserializer.class.getName());
        SortedMap<String, String> consumed = new TreeMap<>();
        try (Consumer<String, String> consumer = new KafkaConsumer<>(props)) {
            consumer.subscribe(List.of(TOPIC));
            long deadline = System.currentTimeMillis() + 60_000;
            while (consumed.size() < RECORDS && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) consumed.put(r.key(), r.partition() + "@" + r.offset() + " " + r.value());
            }
            consumer.commitSync();
            see("consumer.assignment", consumer.assignment().stream().map(TopicPartition::toString).sorted().collect(Collectors.toList()));
        }
        see("consumer.records", consumed.size());
        consumed.forEach((k, v) -> see("consumer." + k, v));
    }

    static void groupTour(Admin admin) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(GROUP).partitionsToOffsetAndMetadata().get();
        offsets.forEach((tp, om) -> see("group.offset." + tp, om.offset()));
        ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(GROUP)).all().get().get(GROUP);
        see("group.state", group.groupState());
        see("group.type", group.type());
        see("group.members", group.members().size());
        see("group.list", admin.listGroups().all().get().stream().map(GroupListing::groupId).filter(GROUP::equals).collect(Collectors.toList()));
        see("group.delete.unknown", failure(admin.deleteConsumerGroups(List.of("tour-no-such-group")).all()));
        see("group.delete", failure(admin.deleteConsumerGroups(List.of(GROUP)).all()));
    }
}
