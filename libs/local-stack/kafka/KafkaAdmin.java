// Tiny admin helper for the local-stack broker, run with the broker's own jars on the classpath.
// (kafka-tools, which holds TopicCommand, is not published for the Kafka version in pom.xml.)
//
//   java -cp '<kafka libs>/*' KafkaAdmin.java <bootstrap> ready [timeoutMs]
//   java -cp '<kafka libs>/*' KafkaAdmin.java <bootstrap> list
//   java -cp '<kafka libs>/*' KafkaAdmin.java <bootstrap> create <topic> [partitions]
//   java -cp '<kafka libs>/*' KafkaAdmin.java <bootstrap> delete <topic>
//
// bin/stack compiles it once into the shared Kafka cache and runs it through `stack kafka-admin`.
import java.util.List;
import java.util.Properties;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.NewTopic;

public class KafkaAdmin {
  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      System.err.println("usage: KafkaAdmin <bootstrap> ready [timeoutMs] | list | create <topic> [partitions] | delete <topic>");
      System.exit(2);
    }
    String bootstrap = args[0];
    String cmd = args[1];
    long timeoutMs = cmd.equals("ready") && args.length > 2 ? Long.parseLong(args[2]) : 15000L;
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(AdminClientConfig.CLIENT_ID_CONFIG, "boxoffice-stack-admin");
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(timeoutMs, 30000L));
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeoutMs);
    p.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500);
    try (Admin admin = Admin.create(p)) {
      switch (cmd) {
        case "ready": {
          DescribeClusterResult c = admin.describeCluster();
          int nodes = c.nodes().get(timeoutMs, TimeUnit.MILLISECONDS).size();
          String id = c.clusterId().get(timeoutMs, TimeUnit.MILLISECONDS);
          if (nodes < 1) throw new IllegalStateException("no brokers in metadata");
          System.out.println("cluster " + id + ", " + nodes + " broker(s)");
          break;
        }
        case "list":
          for (String t : new TreeSet<>(admin.listTopics().names().get())) System.out.println(t);
          break;
        case "create": {
          int partitions = args.length > 3 ? Integer.parseInt(args[3]) : 3;
          admin.createTopics(List.of(new NewTopic(args[2], partitions, (short) 1))).all().get();
          System.out.println("created " + args[2] + " (" + partitions + " partitions)");
          break;
        }
        case "delete":
          admin.deleteTopics(List.of(args[2])).all().get();
          System.out.println("deleted " + args[2]);
          break;
        default:
          System.err.println("unknown command: " + cmd);
          System.exit(2);
      }
    } catch (java.util.concurrent.ExecutionException e) {
      System.err.println("kafka-admin: " + e.getCause());
      System.exit(1);
    } catch (java.util.concurrent.TimeoutException e) {
      System.err.println("kafka-admin: timed out after " + timeoutMs + " ms talking to " + bootstrap);
      System.exit(1);
    }
  }
}
