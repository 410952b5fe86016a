import { onBeforeUnmount, ref } from 'vue';

/** true while the window is at most `px` wide (phones: 375 px). */
export function useNarrow(px = 768) {
  const mq = window.matchMedia(`(max-width: ${px}px)`);
  const narrow = ref(mq.matches);
  const on = (e: MediaQueryListEvent) => (narrow.value = e.matches);
  mq.addEventListener('change', on);
  onBeforeUnmount(() => mq.removeEventListener('change', on));
  return narrow;
}
