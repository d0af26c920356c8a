// KIP-932's share groups through Kafka's Java clients, against one cluster (Apache Kafka or
// Brokerlab): two KafkaShareConsumers in one share group read a topic that a producer fills
// after they joined (share.auto.offset.reset is latest), acknowledging explicitly: one record
// released (it comes again, delivery count 2), one rejected (never again), the rest accepted.
// Then the Admin client describes and lists the group. Prints sorted `key=value` lines that do
// not depend on ids, ports or timing. java -cp <Kafka's jars> ShareTour.java <bootstrap servers>
import java.time.Duration;
import java.util.*;
import org.apache.kafka.clients.admin.*;
import org.apache.kafka.clients.consumer.*;
import org.apache.kafka.clients.producer.*;
import org.apache.kafka.common.*;
import org.apache.kafka.common.serialization.*;

public class ShareTour {
    static final String TOPIC = "share-tour";
    static final String GROUP = "share-tour-group";
    static final int RECORDS = 40;
    static final SortedMap<String, String> seen = new TreeMap<>();

    static void see(String key, Object value) {
        seen.put(key, String.valueOf(value));
    }

    public static void main(String[] args) throws Exception {
        Properties common = new Properties();
        common.put("bootstrap.servers", args[0]);
        try (Admin admin = Admin.create(common)) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 2, (short) 1))).all().get();
            List<KafkaShareConsumer<String, String>> consumers = new ArrayList<>();
            for (int i = 0; i < 2; i++) consumers.add(consumer(common, "share-tour-" + i));
            // Both join and open their share sessions before anything is produced.
            long joinedBy = System.currentTimeMillis() + 8_000;
            while (System.currentTimeMillis() < joinedBy) for (KafkaShareConsumer<String, String> c : consumers) c.poll(Duration.ofMillis(200));
            produce(common);
            consume(consumers);
            ShareGroupDescription live = admin.describeShareGroups(List.of(GROUP)).all().get().get(GROUP);
            see("admin.live.state", live.groupState());
            see("admin.live.members", live.members().size());
            Set<TopicPartition> assigned = new HashSet<>();
            for (ShareMemberDescription m : live.members()) assigned.addAll(m.assignment().topicPartitions());
            see("admin.live.partitionsAssigned", assigned.size());
            for (KafkaShareConsumer<String, String> c : consumers) c.close();
            ShareGroupDescription closed = admin.describeShareGroups(List.of(GROUP)).all().get().get(GROUP);
            see("admin.closed.state", closed.groupState());
            see("admin.closed.members", closed.members().size());
            List<String> listed = new ArrayList<>();
            for (GroupListing g : admin.listGroups(ListGroupsOptions.forShareGroups()).all().get()) listed.add(g.groupId() + ":" + g.type().map(Object::toString).orElse("?"));
            Collections.sort(listed);
            see("admin.shareGroups", listed);
        }
        seen.forEach((k, v) -> System.out.println(k + "=" + v));
    }

    static KafkaShareConsumer<String, String> consumer(Properties common, String clientId) {
        Properties p = new Properties();
        p.putAll(common);
        p.put("group.id", GROUP);
        p.put("client.id", clientId);
        p.put("share.acknowledgement.mode", "explicit");
        p.put("key.deserializer", StringDeserializer.class.getName());
        p.put("value.deserializer", StringDeserializer.class.getName());
        KafkaShareConsumer<String, String> c = new KafkaShareConsumer<>(p);
        c.subscribe(List.of(TOPIC));
        return c;
    }

    static void produce(Properties common) throws Exception {
        Properties p = new Properties();
        p.putAll(common);
        p.put("acks", "all");
        p.put("key.serializer", StringSerializer.class.getName());
        p.put("value.serializer", StringSerializer.class.getName());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
            for (int i = 0; i < RECORDS; i++) producer.send(new ProducerRecord<>(TOPIC, i % 2, "k" + i, "v" + i)).get();
        }
        see("producer.sent", RECORDS);
    }

    /** Until every record is settled: k3 released once, k5 rejected, every other accepted. */
    static void consume(List<KafkaShareConsumer<String, String>> consumers) {
        Map<String, Integer> deliveries = new TreeMap<>();
        Set<String> settled = new TreeSet<>();
        Set<String> consumersThatRead = new TreeSet<>();
        long deadline = System.currentTimeMillis() + 60_000;
        while (settled.size() < RECORDS && System.currentTimeMillis() < deadline) {
            for (int i = 0; i < consumers.size(); i++) {
                KafkaShareConsumer<String, String> c = consumers.get(i);
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) {
                    consumersThatRead.add("consumer" + i);
                    deliveries.merge(r.key(), 1, Integer::sum);
                    see("consumer.deliveryCount." + r.key(), r.deliveryCount().orElse((short) -1));
                    AcknowledgeType type = r.key().equals("k3") && deliveries.get("k3") == 1 ? AcknowledgeType.RELEASE
                        : r.key().equals("k5") ? AcknowledgeType.REJECT
                        : AcknowledgeType.ACCEPT;
                    c.acknowledge(r, type);
                    if (type != AcknowledgeType.RELEASE) settled.add(r.key());
                }
                c.commitSync();
            }
        }
        see("consumer.settled", settled.size());
        see("consumer.deliveries.k3", deliveries.getOrDefault("k3", 0));
        see("consumer.deliveries.k5", deliveries.getOrDefault("k5", 0));
        see("consumer.deliveredOnce", deliveries.values().stream().filter(n -> n == 1).count());
        see("consumer.consumersThatRead", consumersThatRead.size());
        // Nothing comes again once everything is settled.
        int more = 0;
        for (int round = 0; round < 5; round++) for (KafkaShareConsumer<String, String> c : consumers) more += c.poll(Duration.ofMillis(200)).count();
        see("consumer.afterSettled", more);
    }
}
