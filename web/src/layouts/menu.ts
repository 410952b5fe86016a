// The side menu, and the one table of what each screen in it needs: an item
// shows when the user holds its permission (all of them, for a list) and
// the server has the API behind it; the router refuses the same screens by
// the same table (menuAllows), so a typed address leads to the 403 view.
// Staff and the customer's portal have menus of their own (audience).
// Configuration screens need the permission to change what they show
// (user.manage, department.manage, sla.manage): the read permissions are
// held by all staff for names and pickers, not to administer.
import type { Component } from 'vue';
import { DataBoard, Tickets, List, Reading, User, Setting, OfficeBuilding, Document, House, Box, Goods, Files, Money, Calendar, AlarmClock, Sell, RefreshLeft, Stamp, Timer, Odometer, EditPen, Bell, TrendCharts, Printer, Van, Handbag, Checked, Coin, DocumentChecked } from '@element-plus/icons-vue';

export interface MenuItem {
  path: string;
  title: string;
  icon: Component;
  perm?: string | string[];
  api?: [string, string];
  /** shown only to holders of one of these roles */
  roles?: string[];
  /** 'customer': the portal's menu (customer users only); default staff */
  audience?: 'customer';
}
export interface MenuGroup {
  title: string;
  icon: Component;
  items: MenuItem[];
}
export type MenuEntry = MenuItem | MenuGroup;

export const menu: MenuEntry[] = [
  { path: '/portal', title: 'portal.menu.home', icon: House, perm: 'request.read', audience: 'customer' },
  { path: '/portal/new', title: 'portal.menu.new', icon: EditPen, perm: 'request.create', audience: 'customer' },
  { path: '/portal/messages', title: 'portal.menu.messages', icon: Bell, perm: 'notification.self', api: ['GET', '/api/v1/notifications'], audience: 'customer' },
  { path: '/welcome', title: 'menu.welcome', icon: House, perm: undefined },
  { path: '/dashboard', title: 'menu.dashboard', icon: DataBoard, perm: 'request.read' },
  // the catalogue's route needs request.read and lists only the reports the caller may run
  { path: '/reports', title: 'menu.reports', icon: TrendCharts, perm: 'request.read', api: ['GET', '/api/v1/reports'] },
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
    // issue 16: the spare-parts store (stock.read: every staff role but the driver)
    title: 'menu.stock',
    icon: Coin,
    items: [
      { path: '/stock', title: 'menu.stock_levels', icon: Box, perm: 'stock.read', api: ['GET', '/api/v1/stock/levels'] },
      { path: '/stock/moves', title: 'menu.stock_moves', icon: List, perm: 'stock.read', api: ['GET', '/api/v1/stock/moves'] },
      { path: '/stock/requisitions', title: 'menu.stock_requisitions', icon: DocumentChecked, perm: 'stock.read', api: ['GET', '/api/v1/stock/requisitions'] },
      { path: '/stock/loans', title: 'menu.stock_loans', icon: Handbag, perm: 'stock.read', api: ['GET', '/api/v1/stock/loans'] },
      { path: '/stock/transfers', title: 'menu.stock_transfers', icon: Van, perm: 'stock.read', api: ['GET', '/api/v1/stock/transfers'] },
      { path: '/stock/counts', title: 'menu.stock_counts', icon: Checked, perm: 'stock.read', api: ['GET', '/api/v1/stock/counts'] },
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
      { path: '/sla/policies', title: 'menu.sla_policies', icon: AlarmClock, perm: 'sla.manage', api: ['GET', '/api/v1/sla/policies'] },
      { path: '/calendar', title: 'menu.calendar_days', icon: Calendar, perm: 'calendar.read', api: ['GET', '/api/v1/calendar/days'] },
      { path: '/calendar/hours', title: 'menu.calendar_hours', icon: Timer, perm: 'calendar.read', api: ['GET', '/api/v1/calendar'] },
      { path: '/sla/preview', title: 'menu.sla_preview', icon: Odometer, perm: ['sla.manage', 'calendar.read'], api: ['GET', '/api/v1/sla/preview'] },
    ],
  },
  {
    title: 'menu.admin',
    icon: Setting,
    items: [
      { path: '/admin/users', title: 'menu.users', icon: User, perm: ['user.read', 'user.manage'] },
      { path: '/admin/roles', title: 'menu.roles', icon: Setting, perm: 'role.read' },
      { path: '/admin/departments', title: 'menu.departments', icon: OfficeBuilding, perm: ['department.read', 'department.manage'] },
      { path: '/admin/audit', title: 'menu.audit', icon: Document, perm: 'audit.read' },
      { path: '/admin/templates', title: 'menu.templates', icon: Printer, perm: 'template.manage', api: ['GET', '/api/v1/templates'] },
    ],
  },
];

/** The session as the table needs it. */
export interface MenuUser {
  can(perm: string | string[] | undefined): boolean;
  hasRole(role: string): boolean;
  isCustomer: boolean;
}

/** Every item of the table, groups flattened. */
export function menuItems(): MenuItem[] {
  return menu.flatMap((e) => ('items' in e ? e.items : [e]));
}

/** The item of the table for an address, if the address is a menu screen. */
export function menuItemFor(path: string): MenuItem | undefined {
  const p = path.length > 1 ? path.replace(/\/+$/, '') : path;
  return menuItems().find((i) => i.path === p);
}

/** May this user open the item's screen?  (hasApi: the server has the route) */
export function menuAllows(i: MenuItem, u: MenuUser, hasApi: (m: string, p: string) => boolean): boolean {
  if ((i.audience === 'customer') !== u.isCustomer) return false;
  if (i.roles && !i.roles.some((r) => u.hasRole(r))) return false;
  return u.can(i.perm) && (!i.api || hasApi(i.api[0], i.api[1]));
}
