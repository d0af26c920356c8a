// Kafka's transactions through kafka-clients against one cluster (Apache Kafka or Brokerlab):
// the last stable offset of an open, aborted and committed transaction; a consume-transform-
// produce loop (read_committed consumer, transactional producer, sendOffsetsToTransaction,
// commit, one deliberate abort); and a zombie fenced by a second producer with its
// transactional id. Prints sorted `key=value` lines that do not depend on ids, ports or timing,
// so the reference tests compare both clusters' runs line by line.
// Run: java -cp <Kafka's jars> TxnTour.java <bootstrap servers>
import java.time.Duration;
import java.util.*;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.*;
import org.apache.kafka.clients.consumer.*;
import org.apache.kafka.clients.producer.*;
import org.apache.kafka.common.*;
import org.apache.kafka.common.serialization.*;

public class TxnTour {
    static final String INPUT = "txn-tour-input";
    static final String OUTPUT = "txn-tour-output";
    static final String LSO = "txn-tour-lso";
    static final String ZOMBIE = "txn-tour-zombie";
    static final String GROUP = "txn-tour-group";
    static final int INPUT_RECORDS = 60;
    static final SortedMap<String, String> seen = new TreeMap<>();
    static Properties common = new Properties();

    static void see(String key, Object value) {
        seen.put(key, String.valueOf(value));
    }

    /** An exception by class name (its message is free to differ), unwrapping a future's. */
    static String name(Throwable e) {
        Throwable t = e;
        while ((t instanceof ExecutionException || t.getClass() == KafkaException.class || t.getClass() == RuntimeException.class) && t.getCause() != null) t = t.getCause();
        return t.getClass().getName();
    }

    static String outcome(Runnable action) {
        try {
            action.run();
            return "none";
        } catch (Exception e) {
            return name(e);
        }
    }

    public static void main(String[] args) throws Exception {
        common.put("bootstrap.servers", args[0]);
        try (Admin admin = Admin.create(common)) {
            if (args.length > 1 && args[1].equals("--reset")) reset(admin);
            int rf = Math.min(3, admin.describeCluster().nodes().get().size());
            admin.createTopics(List.of(
                new NewTopic(INPUT, 3, (short) rf),
                new NewTopic(OUTPUT, 3, (short) rf),
                new NewTopic(LSO, 1, (short) rf),
                new NewTopic(ZOMBIE, 1, (short) rf))).all().get();
            lastStableOffset(admin);
            produceInput();
            consumeTransformProduce(admin);
            zombie();
        }
        seen.forEach((k, v) -> System.out.println(k + "=" + v));
    }

    /** For runs by hand against a long-lived cluster: this program's topics and group deleted first. */
    static void reset(Admin admin) throws Exception {
        try {
            admin.deleteConsumerGroups(List.of(GROUP)).all().get();
        } catch (ExecutionException e) {
            // no such group yet
        }
        Set<String> existing = admin.listTopics().names().get();
        admin.deleteTopics(List.of(INPUT, OUTPUT, LSO, ZOMBIE).stream().filter(existing::contains).collect(Collectors.toList())).all().get();
        Thread.sleep(3000);
    }

    static Producer<String, String> producer(String transactionalId) {
        Properties props = new Properties();
        props.putAll(common);
        if (transactionalId != null) props.put("transactional.id", transactionalId);
        props.put("enable.idempotence", "true");
        props.put("acks", "all");
        props.put("key.serializer", StringSerializer.class.getName());
        props.put("value.serializer", StringSerializer.class.getName());
        return new KafkaProducer<>(props);
    }

    static Consumer<String, String> consumer(String isolation, String group) {
        Properties props = new Properties();
        props.putAll(common);
        if (group != null) props.put("group.id", group);
        props.put("group.protocol", "classic");
        props.put("isolation.level", isolation);
        props.put("auto.offset.reset", "earliest");
        props.put("enable.auto.commit", "false");
        props.put("key.deserializer", StringDeserializer.class.getName());
        props.put("value.deserializer", StringDeserializer.class.getName());
        return new KafkaConsumer<>(props);
    }

    /** Every record of a topic a fresh consumer reads with this isolation level, up to its end offsets (LSO for read_committed). */
    static List<ConsumerRecord<String, String>> readAll(String topic, String isolation) {
        List<ConsumerRecord<String, String>> out = new ArrayList<>();
        try (Consumer<String, String> consumer = consumer(isolation, null)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).collect(Collectors.toList());
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.currentTimeMillis() + 30_000;
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp)) && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) out.add(r);
            }
            see("read." + topic + "." + isolation + ".reachedEnd", partitions.stream().allMatch(tp -> consumer.position(tp) >= end.get(tp)));
        }
        return out;
    }

    static Map<String, Long> offsets(Admin admin, String topic, int partitions, IsolationLevel isolation) throws Exception {
        Map<TopicPartition, OffsetSpec> specs = new HashMap<>();
        for (int p = 0; p < partitions; p++) specs.put(new TopicPartition(topic, p), OffsetSpec.latest());
        var result = admin.listOffsets(specs, new ListOffsetsOptions(isolation)).all().get();
        Map<String, Long> out = new TreeMap<>();
        result.forEach((tp, info) -> out.put(String.valueOf(tp.partition()), info.offset()));
        return out;
    }

    static void seeOffsets(Admin admin, String key) throws Exception {
        see(key + ".readCommitted", offsets(admin, LSO, 1, IsolationLevel.READ_COMMITTED));
        see(key + ".readUncommitted", offsets(admin, LSO, 1, IsolationLevel.READ_UNCOMMITTED));
    }

    /**
     * After a commit or an abort returns, the coordinator writes the markers: the LSO reaches
     * the high watermark (past the marker) shortly after, not at once.
     */
    static void seeStableOffsets(Admin admin, String key) throws Exception {
        long deadline = System.currentTimeMillis() + 15_000;
        while (!offsets(admin, LSO, 1, IsolationLevel.READ_COMMITTED).equals(offsets(admin, LSO, 1, IsolationLevel.READ_UNCOMMITTED)) && System.currentTimeMillis() < deadline) Thread.sleep(100);
        seeOffsets(admin, key);
    }

    /** An open transaction holds the LSO back; its abort and a commit move it past their markers. */
    static void lastStableOffset(Admin admin) throws Exception {
        try (Producer<String, String> producer = producer("txn-tour-lso")) {
            producer.initTransactions();
            producer.beginTransaction();
            for (int i = 0; i < 10; i++) producer.send(new ProducerRecord<>(LSO, 0, "a" + i, "aborted-" + i));
            producer.flush();
            seeOffsets(admin, "lso.open");
            see("lso.open.transactions", admin.listTransactions().all().get().stream().filter(t -> t.transactionalId().equals("txn-tour-lso")).map(t -> t.state().toString()).collect(Collectors.toList()));
            see("lso.open.readCommitted.records", readAll(LSO, "read_committed").size());
            producer.abortTransaction();
            seeStableOffsets(admin, "lso.aborted");
            producer.beginTransaction();
            for (int i = 0; i < 5; i++) producer.send(new ProducerRecord<>(LSO, 0, "c" + i, "committed-" + i));
            producer.commitTransaction();
            seeStableOffsets(admin, "lso.committed");
        }
        List<ConsumerRecord<String, String>> committed = readAll(LSO, "read_committed");
        List<ConsumerRecord<String, String>> uncommitted = readAll(LSO, "read_uncommitted");
        see("lso.readCommitted.records", committed.stream().map(r -> r.offset() + ":" + r.value()).collect(Collectors.toList()));
        see("lso.readUncommitted.records", uncommitted.size());
        see("lso.readUncommitted.offsets", uncommitted.stream().map(ConsumerRecord::offset).collect(Collectors.toList()));
    }

    static void produceInput() throws Exception {
        try (Producer<String, String> producer = producer(null)) {
            List<Future<RecordMetadata>> sends = new ArrayList<>();
            for (int i = 0; i < INPUT_RECORDS; i++) sends.add(producer.send(new ProducerRecord<>(INPUT, String.format("key-%02d", i), "value-" + i)));
            producer.flush();
            for (var send : sends) send.get();
        }
    }

    /**
     * Reads the input with read_committed in a group, writes each record upper-cased to the
     * output and commits the consumed offsets in the same transaction. The first transaction is
     * aborted on purpose: its output never reaches read_committed readers, and the consumer
     * rewinds to the group's committed offsets (none yet) and processes those records again.
     */
    static void consumeTransformProduce(Admin admin) throws Exception {
        int transactions = 0, aborted = 0, abortedRecords = 0;
        try (Consumer<String, String> consumer = consumer("read_committed", GROUP); Producer<String, String> producer = producer("txn-tour-ctp")) {
            producer.initTransactions();
            consumer.subscribe(List.of(INPUT));
            Map<TopicPartition, Long> end = null;
            long deadline = System.currentTimeMillis() + 90_000;
            while (System.currentTimeMillis() < deadline) {
                ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(300));
                if (end == null && !consumer.assignment().isEmpty()) end = consumer.endOffsets(consumer.assignment());
                if (end != null && end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue())  && records.isEmpty()) break;
                if (records.isEmpty()) continue;
                producer.beginTransaction();
                Map<TopicPartition, OffsetAndMetadata> next = new HashMap<>();
                for (ConsumerRecord<String, String> r : records) {
                    producer.send(new ProducerRecord<>(OUTPUT, r.key(), r.value().toUpperCase()));
                    next.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
                }
                producer.sendOffsetsToTransaction(next, consumer.groupMetadata());
                transactions++;
                if (aborted == 0) {
                    // Every record of the aborted transaction written first (abortTransaction drops unsent ones).
                    producer.flush();
                    producer.abortTransaction();
                    aborted++;
                    abortedRecords = records.count();
                    see("ctp.afterAbort.committedOffsets", admin.listConsumerGroupOffsets(GROUP).partitionsToOffsetAndMetadata().get().size());
                    // Rewind to what the group has committed: nothing yet, so the beginning.
                    for (TopicPartition tp : records.partitions()) consumer.seek(tp, 0);
                } else {
                    producer.commitTransaction();
                }
            }
            see("ctp.finished", end != null && end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue()));
            see("ctp.input.endOffsets", new TreeMap<>(end.entrySet().stream().collect(Collectors.toMap(e -> e.getKey().toString(), Map.Entry::getValue))));
        }
        see("ctp.aborted", aborted);
        see("ctp.transactions.atLeast2", transactions >= 2);
        Map<TopicPartition, OffsetAndMetadata> committedOffsets = admin.listConsumerGroupOffsets(GROUP, new ListConsumerGroupOffsetsOptions().requireStable(true)).partitionsToOffsetAndMetadata().get();
        see("ctp.committedOffsets", new TreeMap<>(committedOffsets.entrySet().stream().collect(Collectors.toMap(e -> e.getKey().toString(), e -> e.getValue().offset()))));

        List<ConsumerRecord<String, String>> committed = readAll(OUTPUT, "read_committed");
        List<ConsumerRecord<String, String>> uncommitted = readAll(OUTPUT, "read_uncommitted");
        see("ctp.output.readCommitted.records", committed.size());
        see("ctp.output.readCommitted.distinctKeys", committed.stream().map(ConsumerRecord::key).distinct().count());
        see("ctp.output.readCommitted.allUpperCase", committed.stream().allMatch(r -> r.value().equals(r.value().toUpperCase()) && r.value().startsWith("VALUE-")));
        see("ctp.aborted.records.some", abortedRecords > 0);
        // read_uncommitted also reads the aborted transaction's records: exactly those, once.
        see("ctp.output.readUncommitted.beyondCommittedAndAborted", uncommitted.size() - committed.size() - abortedRecords);
        see("ctp.output.readUncommitted.distinctKeys", uncommitted.stream().map(ConsumerRecord::key).distinct().count());
        SortedMap<String, String> byKey = new TreeMap<>();
        for (ConsumerRecord<String, String> r : committed) byKey.put(r.key(), r.partition() + " " + r.value());
        byKey.forEach((k, v) -> see("ctp.output." + k, v));
    }

    /** A second producer with the same transactional id fences the first, whose open transaction is aborted. */
    static void zombie() throws Exception {
        Producer<String, String> zombie = producer("txn-tour-zombie");
        zombie.initTransactions();
        zombie.beginTransaction();
        zombie.send(new ProducerRecord<>(ZOMBIE, 0, "zombie", "first")).get();
        try (Producer<String, String> successor = producer("txn-tour-zombie")) {
            successor.initTransactions();
            see("zombie.send", outcome(() -> {
                try {
                    zombie.send(new ProducerRecord<>(ZOMBIE, 0, "zombie", "second")).get();
                } catch (InterruptedException | ExecutionException e) {
                    throw new RuntimeException(e);
                }
            }));
            see("zombie.commit", outcome(zombie::commitTransaction));
            zombie.close(Duration.ofSeconds(5));
            successor.beginTransaction();
            successor.send(new ProducerRecord<>(ZOMBIE, 0, "successor", "only"));
            see("zombie.successor.commit", outcome(successor::commitTransaction));
        }
        see("zombie.readCommitted", readAll(ZOMBIE, "read_committed").stream().map(r -> r.key() + ":" + r.value()).collect(Collectors.toList()));
        see("zombie.readUncommitted", readAll(ZOMBIE, "read_uncommitted").stream().map(r -> r.key() + ":" + r.value()).collect(Collectors.toList()));
    }
}
