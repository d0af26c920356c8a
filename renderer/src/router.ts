import { createRouter, createWebHashHistory } from 'vue-router'
import OverviewView from './views/OverviewView.vue'

declare module 'vue-router' {
  interface RouteMeta {
    /** The route's name in the navigation. */
    title: string
    /** Reached from another view (a topic's detail), not listed in the navigation. */
    hidden?: boolean
  }
}

// Hash history: the desktop app loads index.html from file://, where path URLs cannot resolve.
export const router = createRouter({
  history: createWebHashHistory(),
  routes: [
    { path: '/', name: 'overview', component: OverviewView, meta: { title: 'Overview' } },
    { path: '/brokers', name: 'brokers', component: () => import('./views/BrokersView.vue'), meta: { title: 'Brokers' } },
    { path: '/topics', name: 'topics', component: () => import('./views/TopicsView.vue'), meta: { title: 'Topics' } },
    { path: '/topics/:name', name: 'topic', component: () => import('./views/TopicDetailView.vue'), meta: { title: 'Topic', hidden: true } },
    { path: '/groups', name: 'groups', component: () => import('./views/GroupsView.vue'), meta: { title: 'Groups' } },
    { path: '/transactions', name: 'transactions', component: () => import('./views/TransactionsView.vue'), meta: { title: 'Transactions' } },
    { path: '/messages', name: 'messages', component: () => import('./views/MessagesView.vue'), meta: { title: 'Messages' } },
    { path: '/produce', name: 'produce', component: () => import('./views/ProduceView.vue'), meta: { title: 'Produce' } },
    { path: '/schemas', name: 'schemas', component: () => import('./views/SchemasView.vue'), meta: { title: 'Schemas' } },
    { path: '/config', name: 'config', component: () => import('./views/ConfigurationView.vue'), meta: { title: 'Configs' } },
    { path: '/experiments', name: 'experiments', component: () => import('./views/ExperimentsView.vue'), meta: { title: 'Experiments' } },
    { path: '/connections', name: 'connections', component: () => import('./views/ConnectionsView.vue'), meta: { title: 'Connections', hidden: true } },
  ],
})
