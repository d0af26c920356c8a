import { createRouter, createWebHashHistory } from 'vue-router'
import OverviewView from './views/OverviewView.vue'

declare module 'vue-router' {
  interface RouteMeta {
    /** The route's name in the navigation. */
    title: string
  }
}

// Hash history: the desktop app loads index.html from file://, where path URLs cannot resolve.
export const router = createRouter({
  history: createWebHashHistory(),
  routes: [{ path: '/', name: 'overview', component: OverviewView, meta: { title: 'Overview' } }],
})
