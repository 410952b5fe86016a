// A list paged with the API's cursor (limit/cursor/next_cursor): only one
// page is ever loaded; "previous" goes back through the cursors seen.
import { reactive, ref } from 'vue';
import type { Page } from '@/api/client';
import { showError } from './errors';

export function useCursorList<T>(fetchPage: (cursor: string | null, limit: number) => Promise<Page<T>>, limit = 25) {
  const items = ref<T[]>([]) as { value: T[] };
  const loading = ref(false);
  const state = reactive({ cursors: [null] as (string | null)[], page: 0, next: null as string | null, limit });

  async function load() {
    loading.value = true;
    try {
      const p = await fetchPage(state.cursors[state.page], state.limit);
      items.value = p.items;
      state.next = p.next_cursor;
    } catch (e) {
      items.value = [];
      state.next = null;
      showError(e);
    } finally {
      loading.value = false;
    }
  }
  function reload() {
    state.cursors = [null];
    state.page = 0;
    return load();
  }
  function next() {
    if (!state.next) return;
    state.cursors = state.cursors.slice(0, state.page + 1);
    state.cursors.push(state.next);
    state.page++;
    return load();
  }
  function prev() {
    if (state.page === 0) return;
    state.page--;
    return load();
  }
  function setLimit(n: number) {
    state.limit = n;
    return reload();
  }
  return { items, loading, state, load, reload, next, prev, setLimit };
}
