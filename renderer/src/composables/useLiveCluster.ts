import { onMounted, onUnmounted } from 'vue'
import { useClusterStore } from '../stores/cluster'

/** Follows the cluster while the calling component (the app shell) is mounted. */
export function useLiveCluster() {
  const cluster = useClusterStore()
  onMounted(cluster.start)
  onUnmounted(cluster.stop)
  return cluster
}
