// Small reference lists used by many screens (departments, users by id),
// loaded once per session when the user may read them.
import { defineStore } from 'pinia';
import { api, type Page } from '@/api/client';
import type { Department, UserRow } from '@/api/types';
import { useSession } from './session';

export const useLookups = defineStore('lookups', {
  state: () => ({
    departments: [] as Department[],
    users: {} as Record<number, UserRow>,
    deptLoaded: false,
  }),
  actions: {
    async loadDepartments(force = false) {
      if ((this.deptLoaded && !force) || !useSession().can('department.read')) return;
      const all: Department[] = [];
      let cursor: string | null = null;
      // departments are few (tens); page through them all for the pickers
      for (let i = 0; i < 10; i++) {
        const p: Page<Department> = await api.get('/api/v1/departments', { limit: 200, cursor });
        all.push(...p.items);
        if (!p.next_cursor) break;
        cursor = p.next_cursor;
      }
      this.departments = all;
      this.deptLoaded = true;
    },
    deptName(id: number | null | undefined): string {
      if (!id) return '';
      return this.departments.find((d) => d.id === id)?.name || `#${id}`;
    },
    async user(id: number | null | undefined): Promise<UserRow | null> {
      if (!id) return null;
      if (this.users[id]) return this.users[id];
      if (!useSession().can('user.read')) return null;
      try {
        const u = await api.get<UserRow>(`/api/v1/users/${id}`);
        this.users[id] = u;
        return u;
      } catch {
        return null;
      }
    },
    userName(id: number | null | undefined): string {
      if (!id) return '';
      return this.users[id]?.display_name || `#${id}`;
    },
    async searchUsers(q: string, department_id?: number | null): Promise<UserRow[]> {
      const p = await api.get<Page<UserRow>>('/api/v1/users', { q, department_id, active: 'true', limit: 50 });
      for (const u of p.items) this.users[u.id] = u;
      return p.items;
    },
  },
});
