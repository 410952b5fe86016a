// The side menu: an item shows when the user holds its permission and the
// server has the API behind it.
import type { Component } from 'vue';
import { DataBoard, Tickets, List, Reading, User, Setting, OfficeBuilding, Document, House, Box, Goods, Files, Money, Calendar, AlarmClock, Sell, RefreshLeft, Stamp, Timer, Odometer } from '@element-plus/icons-vue';

export interface MenuItem {
  path: string;
  title: string;
  icon: Component;
  perm?: string | string[];
  api?: [string, string];
  /** shown only to holders of one of these roles */
  roles?: string[];
}
export interface MenuGroup {
  title: string;
  icon: Component;
  items: MenuItem[];
}
export type MenuEntry = MenuItem | MenuGroup;

export const menu: MenuEntry[] = [
  { path: '/welcome', title: 'menu.welcome', icon: House, perm: undefined },
  { path: '/dashboard', title: 'menu.dashboard', icon: DataBoard, perm: 'request.read' },
  {
    title: 'menu.service',
    icon: Tickets,
    items: [
      { path: '/requests', title: 'menu.requests', icon: Tickets, perm: 'request.read' },
      { path: '/requests/new', title: 'menu.request_new', icon: Document, perm: 'request.create' },
      { path: '/tasks', title: 'menu.tasks', icon: List, perm: ['request.read', 'request.work'] },
      { path: '/returns', title: 'menu.returns', icon: RefreshLeft, perm: 'return.read', api: ['GET', '/api/v1/returns'] },
      {
        path: '/approvals',
        title: 'menu.approvals',
        icon: Stamp,
        perm: ['return.read', 'return.work'],
        api: ['GET', '/api/v1/returns'],
        roles: ['agent', 'aftersales_manager', 'finance', 'general_manager', 'sales_manager', 'driver', 'qc_inspector', 'warehouse', 'statistician', 'clerk'],
      },
      { path: '/kb', title: 'menu.kb', icon: Reading, perm: 'kb.read' },
    ],
  },
  {
    title: 'menu.master',
    icon: Files,
    items: [
      { path: '/customers', title: 'menu.customers', icon: OfficeBuilding, perm: 'customer.read', api: ['GET', '/api/v1/customers'] },
      { path: '/units', title: 'menu.units', icon: Box, perm: 'unit.read', api: ['GET', '/api/v1/units'] },
      { path: '/models', title: 'menu.models', icon: Goods, perm: 'product.read', api: ['GET', '/api/v1/product-models'] },
      { path: '/parts', title: 'menu.parts', icon: Goods, perm: 'product.read', api: ['GET', '/api/v1/parts'] },
      { path: '/warehouses', title: 'menu.warehouses', icon: Box, perm: 'warehouse.read', api: ['GET', '/api/v1/warehouses'] },
      { path: '/contracts', title: 'menu.contracts', icon: Document, perm: 'contract.read', api: ['GET', '/api/v1/contracts'] },
      { path: '/sales', title: 'menu.sales', icon: Sell, perm: 'sales.read', api: ['GET', '/api/v1/sales'] },
      { path: '/prices', title: 'menu.prices', icon: Money, perm: 'price.read', api: ['GET', '/api/v1/prices'] },
    ],
  },
  {
    title: 'menu.sla_group',
    icon: AlarmClock,
    items: [
      { path: '/sla/policies', title: 'menu.sla_policies', icon: AlarmClock, perm: 'sla.read', api: ['GET', '/api/v1/sla/policies'] },
      { path: '/calendar', title: 'menu.calendar_days', icon: Calendar, perm: 'calendar.read', api: ['GET', '/api/v1/calendar/days'] },
      { path: '/calendar/hours', title: 'menu.calendar_hours', icon: Timer, perm: 'calendar.read', api: ['GET', '/api/v1/calendar'] },
      { path: '/sla/preview', title: 'menu.sla_preview', icon: Odometer, perm: 'calendar.read', api: ['GET', '/api/v1/sla/preview'] },
    ],
  },
  {
    title: 'menu.admin',
    icon: Setting,
    items: [
      { path: '/admin/users', title: 'menu.users', icon: User, perm: 'user.read' },
      { path: '/admin/roles', title: 'menu.roles', icon: Setting, perm: 'role.read' },
      { path: '/admin/departments', title: 'menu.departments', icon: OfficeBuilding, perm: 'department.read' },
      { path: '/admin/audit', title: 'menu.audit', icon: Document, perm: 'audit.read' },
    ],
  },
];
