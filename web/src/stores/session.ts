import { defineStore } from 'pinia';
import { api, ApiError } from '@/api/client';

export interface User {
  id: number;
  username: string;
  display_name: string;
  phone: string | null;
  email: string | null;
  department_id: number | null;
  customer_id: number | null;
  roles: string[];
  active: boolean;
  version: number;
  created_at: string;
  updated_at: string;
}

export const useSession = defineStore('session', {
  state: () => ({
    user: null as User | null,
    permissions: [] as string[],
    checked: false,
  }),
  getters: {
    loggedIn: (s) => s.user !== null,
    /** a portal user: bound to a customer company (the API scopes it) */
    isCustomer: (s) => !!s.user && (s.user.customer_id !== null || s.user.roles.includes('customer')),
  },
  actions: {
    can(perm: string | string[] | undefined): boolean {
      if (!perm) return true;
      const list = Array.isArray(perm) ? perm : [perm];
      return list.every((p) => this.permissions.includes(p));
    },
    hasRole(role: string): boolean {
      return !!this.user && this.user.roles.includes(role);
    },
    async refresh() {
      try {
        const s = await api.get<{ user: User; permissions: string[] }>('/api/v1/session');
        this.user = s.user;
        this.permissions = s.permissions;
      } catch (e) {
        if (!(e instanceof ApiError) || e.status !== 401) throw e;
        this.user = null;
        this.permissions = [];
      }
      this.checked = true;
    },
    async ensure() {
      if (!this.checked) await this.refresh();
    },
    async login(username: string, password: string) {
      await api.post('/api/v1/session', { username, password });
      await this.refresh();
    },
    async logout() {
      try {
        await api.del('/api/v1/session');
      } catch {
        /* already gone */
      }
      this.clear();
    },
    clear() {
      this.user = null;
      this.permissions = [];
      this.checked = true;
    },
  },
});
