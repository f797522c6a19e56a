/**
 * Hash routes (`#/t/acme/clients`): the server serves one page at /console,
 * and a reload never sends the route (or anything else) to the server.
 */
import { useEffect, useState } from 'preact/hooks';

export interface Route {
  /** Path segments after `#/`, decoded. */
  segments: string[];
}

export function currentRoute(): Route {
  const path = location.hash.replace(/^#\/?/, '');
  return { segments: path === '' ? [] : path.split('/').map((s) => decodeURIComponent(s)) };
}

export function href(...segments: string[]): string {
  return `#/${segments.map((s) => encodeURIComponent(s)).join('/')}`;
}

export function navigate(...segments: string[]): void {
  location.hash = href(...segments);
}

export function useRoute(): Route {
  const [route, setRoute] = useState(currentRoute);
  useEffect(() => {
    const update = () => setRoute(currentRoute());
    addEventListener('hashchange', update);
    return () => removeEventListener('hashchange', update);
  }, []);
  return route;
}
