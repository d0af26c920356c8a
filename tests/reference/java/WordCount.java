// A Kafka Streams word count with processing.guarantee=exactly_once_v2, against one cluster
// (Apache Kafka or Brokerlab), in three modes the test runs one after the other:
//   feed <bootstrap>             creates the topics and writes a fixed input (LINES lines)
//   run <bootstrap> <state dir>  runs the application, printing processed=N as it goes, until
//                                its counts are the input's and its group has committed the
//                                whole input (the test SIGKILLs a first run mid-stream and
//                                starts a second on the same state dir)
//   read <bootstrap>             reads the output with read_committed and prints sorted
//                                `key=value` lines: each word's final count, whether every
//                                word's committed counts only ever grew, whether the final
//                                counts are the input's, and whether each partition's last
//                                stable offset is its high watermark (no transaction left open)
// Run: java -cp <Kafka's jars> WordCount.java <mode> <bootstrap> [state dir]
import java.time.Duration;
import java.util.*;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.*;
import org.apache.kafka.clients.consumer.*;
import org.apache.kafka.clients.producer.*;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.*;
import org.apache.kafka.streams.*;
import org.apache.kafka.streams.kstream.*;

public class WordCount {
    /** TXN_NAME_PREFIX names everything anew, to run again on a long-lived cluster. */
    static final String PREFIX = Optional.ofNullable(System.getenv("TXN_NAME_PREFIX")).orElse("");
    static final String INPUT = PREFIX + "wc-input";
    static final String OUTPUT = PREFIX + "wc-output";
    static final String APP = PREFIX + "txn-wordcount";
    static final int LINES = 3000;
    static final String[] WORDS = {
        "kafka", "stream", "broker", "leader", "replica", "offset", "commit", "abort", "marker", "epoch",
        "fence", "zombie", "topic", "partition", "record", "batch", "header", "segment", "index", "group",
    };

    /** Line i of the input: three or four words picked by a fixed linear congruential sequence. */
    static String line(int i) {
        long x = 0x5DEECE66DL ^ (i * 2654435761L);
        StringBuilder b = new StringBuilder();
        int words = 3 + (i % 2);
        for (int w = 0; w < words; w++) {
            x = (x * 6364136223846793005L + 1442695040888963407L);
            b.append(w == 0 ? "" : " ").append(WORDS[(int) ((x >>> 33) % WORDS.length)]);
        }
        return b.toString();
    }

    static Map<String, Long> expectedCounts() {
        Map<String, Long> counts = new TreeMap<>();
        for (int i = 0; i < LINES; i++) for (String w : line(i).split(" ")) counts.merge(w, 1L, Long::sum);
        return counts;
    }

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        Properties common = new Properties();
        common.put("bootstrap.servers", args[1]);
        switch (mode) {
            case "feed" -> feed(common);
            case "run" -> run(common, args[2]);
            case "read" -> read(common);
            default -> throw new IllegalArgumentException(mode);
        }
    }

    static int replicationFactor(Admin admin) throws Exception {
        return Math.min(3, admin.describeCluster().nodes().get().size());
    }

    static void feed(Properties common) throws Exception {
        try (Admin admin = Admin.create(common)) {
            short rf = (short) replicationFactor(admin);
            admin.createTopics(List.of(new NewTopic(INPUT, 3, rf), new NewTopic(OUTPUT, 3, rf))).all().get();
        }
        Properties props = new Properties();
        props.putAll(common);
        props.put("acks", "all");
        props.put("enable.idempotence", "true");
        props.put("key.serializer", StringSerializer.class.getName());
        props.put("value.serializer", StringSerializer.class.getName());
        try (Producer<String, String> producer = new KafkaProducer<>(props)) {
            for (int i = 0; i < LINES; i++) producer.send(new ProducerRecord<>(INPUT, "line-" + i, line(i)));
            producer.flush();
        }
        System.out.println("fed=" + LINES);
    }

    static void run(Properties common, String stateDir) throws Exception {
        Properties props = new Properties();
        props.putAll(common);
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, APP);
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir);
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 200);
        props.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
        props.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_POLL_RECORDS_CONFIG), 50);
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        // The killed run's member leaves the group only when its session expires: the least the broker allows.
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), 6000);
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), 1000);
        try (Admin admin = Admin.create(common)) {
            props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, replicationFactor(admin));
        }

        // Every count update goes downstream (no cache), so the last one emitted per word is its count so far.
        props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
        Map<String, Long> emitted = new ConcurrentHashMap<>();
        Map<String, Long> expected = expectedCounts();
        AtomicLong processed = new AtomicLong();
        StreamsBuilder builder = new StreamsBuilder();
        builder.<String, String>stream(INPUT)
            // Slow enough (2 ms a line) that the test can kill the application mid-stream.
            .peek((k, v) -> {
                try {
                    Thread.sleep(2);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                long n = processed.incrementAndGet();
                if (n % 100 == 0) System.out.println("processed=" + n);
            })
            .flatMapValues(v -> Arrays.asList(v.split(" ")))
            .groupBy((k, word) -> word)
            .count()
            .toStream()
            .peek(emitted::put)
            .to(OUTPUT, Produced.with(Serdes.String(), Serdes.Long()));

        KafkaStreams streams = new KafkaStreams(builder.build(), props);
        streams.setUncaughtExceptionHandler(e -> {
            System.out.println("uncaught=" + e.getClass().getName());
            return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        streams.start();
        try (Admin admin = Admin.create(common)) {
            long deadline = System.currentTimeMillis() + 240_000;
            while (System.currentTimeMillis() < deadline) {
                Thread.sleep(500);
                if (streams.state() == KafkaStreams.State.ERROR || streams.state() == KafkaStreams.State.NOT_RUNNING) break;
                // Caught up once the counts (downstream of the repartition topic) reached the input's, and
                // the group committed the whole input: closing then commits the last transaction.
                if (emitted.equals(expected) && caughtUp(admin)) {
                    System.out.println("caughtUp=true");
                    break;
                }
            }
        }
        streams.close(Duration.ofSeconds(30));
        System.out.println("state=" + streams.state());
    }

    /** The application's group has committed (stably) every input partition's end offset. */
    static boolean caughtUp(Admin admin) throws Exception {
        Map<TopicPartition, OffsetSpec> specs = new HashMap<>();
        for (int p = 0; p < 3; p++) specs.put(new TopicPartition(INPUT, p), OffsetSpec.latest());
        var ends = admin.listOffsets(specs).all().get();
        var committed = admin.listConsumerGroupOffsets(APP, new ListConsumerGroupOffsetsOptions().requireStable(true)).partitionsToOffsetAndMetadata().get();
        return ends.entrySet().stream().allMatch(e -> committed.get(e.getKey()) != null && committed.get(e.getKey()).offset() >= e.getValue().offset());
    }

    /** The partitions' end offsets as a read_uncommitted consumer sees them: their high watermarks. */
    static Map<TopicPartition, Long> endOffsets(Properties common, List<TopicPartition> partitions) {
        Properties props = new Properties();
        props.putAll(common);
        props.put("key.deserializer", StringDeserializer.class.getName());
        props.put("value.deserializer", StringDeserializer.class.getName());
        try (Consumer<String, String> consumer = new KafkaConsumer<>(props)) {
            return consumer.endOffsets(partitions);
        }
    }

    static void read(Properties common) throws Exception {
        Properties props = new Properties();
        props.putAll(common);
        props.put("isolation.level", "read_committed");
        props.put("key.deserializer", StringDeserializer.class.getName());
        props.put("value.deserializer", LongDeserializer.class.getName());
        Map<String, List<Long>> updates = new TreeMap<>();
        try (Consumer<String, Long> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions = consumer.partitionsFor(OUTPUT).stream().map(p -> new TopicPartition(OUTPUT, p.partition())).collect(Collectors.toList());
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.currentTimeMillis() + 60_000;
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp)) && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, Long> r : consumer.poll(Duration.ofMillis(200))) updates.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r.value());
            }
            System.out.println("read.reachedEnd=" + partitions.stream().allMatch(tp -> consumer.position(tp) >= end.get(tp)));
            // Once the application has closed, no transaction is open: each partition's last stable
            // offset (the read_committed end) is its high watermark. Each one that is not is named.
            Map<TopicPartition, Long> highWatermarks = endOffsets(common, partitions);
            boolean stable = true;
            for (TopicPartition tp : partitions) {
                if (end.get(tp).equals(highWatermarks.get(tp))) continue;
                stable = false;
                System.out.println("read.unstable." + tp.partition() + "=last stable offset " + end.get(tp) + ", high watermark " + highWatermarks.get(tp));
            }
            System.out.println("read.lastStableIsHighWatermark=" + stable);
        }
        Map<String, Long> finalCounts = new TreeMap<>();
        updates.forEach((word, values) -> finalCounts.put(word, values.get(values.size() - 1)));
        boolean increasing = updates.values().stream().allMatch(values -> {
            for (int i = 1; i < values.size(); i++) if (values.get(i) <= values.get(i - 1)) return false;
            return true;
        });
        System.out.println("read.countsOnlyGrew=" + increasing);
        System.out.println("read.matchesInput=" + finalCounts.equals(expectedCounts()));
        finalCounts.forEach((word, count) -> System.out.println("count." + word + "=" + count));
    }
}
