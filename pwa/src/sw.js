// The service worker: the app shell from a Workbox precache, nothing else. /api is never
// cached (records live in IndexedDB, written by the page), and a new version never takes
// over by itself: the page asks the cadre, then posts SKIP_WAITING.
import { clientsClaim } from 'workbox-core';
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';

precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();

// Deep links open the shell offline too; the API never comes from here.
registerRoute(new NavigationRoute(createHandlerBoundToURL('index.html'), { denylist: [/^\/api\//, /^\/docs/, /^\/healthz/] }));

self.addEventListener('message', (event) => {
  if (event.data && event.data.type === 'SKIP_WAITING') self.skipWaiting();
});

// Taking control of pages on the first install only affects pages with no worker yet
// (nothing to replace); an update still waits for the tap above.
clientsClaim();
