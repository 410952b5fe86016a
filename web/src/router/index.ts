import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router';
import { useSession } from '@/stores/session';
import { hasRoute, loadMeta } from '@/api/meta';
import { resources } from '@/views/master/resources';
import { menuAllows, menuItemFor } from '@/layouts/menu';

declare module 'vue-router' {
  interface RouteMeta {
    public?: boolean;
    perm?: string | string[];
    /** [method, path]: the screen needs this API route */
    api?: [string, string];
    title?: string;
    /** a screen of the customer's portal (customer users only) */
    portal?: boolean;
    /** open to staff and customers alike (account, 403, 404) */
    anyone?: boolean;
  }
}

const Layout = () => import('@/layouts/MainLayout.vue');

const routes: RouteRecordRaw[] = [
  { path: '/login', component: () => import('@/views/LoginView.vue'), meta: { public: true, title: 'login.title' } },
  {
    path: '/',
    component: Layout,
    children: [
      { path: '', name: 'home', component: () => import('@/views/WelcomeView.vue') },
      { path: 'welcome', component: () => import('@/views/WelcomeView.vue'), meta: { title: 'menu.welcome' } },
      { path: 'dashboard', component: () => import('@/views/DashboardView.vue'), meta: { perm: 'request.read', title: 'menu.dashboard' } },
      { path: 'reports', component: () => import('@/views/reports/ReportsView.vue'), meta: { perm: 'request.read', api: ['GET', '/api/v1/reports'], title: 'menu.reports' } },
      { path: 'reports/:key([a-z0-9-]+)', component: () => import('@/views/reports/ReportView.vue'), meta: { perm: 'request.read', api: ['GET', '/api/v1/reports/{key}'], title: 'menu.reports' } },
      { path: 'requests', component: () => import('@/views/requests/RequestList.vue'), meta: { perm: 'request.read', title: 'menu.requests' } },
      { path: 'requests/new', component: () => import('@/views/requests/RequestNew.vue'), meta: { perm: 'request.create', title: 'menu.request_new' } },
      { path: 'requests/:id(\\d+)', component: () => import('@/views/requests/RequestDetail.vue'), meta: { perm: 'request.read', title: 'request.detail' } },
      { path: 'tasks', component: () => import('@/views/requests/RequestList.vue'), props: { mine: true }, meta: { perm: ['request.read', 'request.work'], title: 'menu.tasks' } },
      { path: 'returns', component: () => import('@/views/returns/ReturnList.vue'), meta: { perm: 'return.read', api: ['GET', '/api/v1/returns'], title: 'menu.returns' } },
      { path: 'returns/new', component: () => import('@/views/returns/ReturnNew.vue'), meta: { perm: 'return.create', api: ['POST', '/api/v1/returns'], title: 'rma.create' } },
      { path: 'returns/:id(\\d+)', component: () => import('@/views/returns/ReturnDetail.vue'), meta: { perm: 'return.read', api: ['GET', '/api/v1/returns/{id}'], title: 'rma.detail' } },
      { path: 'approvals', component: () => import('@/views/returns/ReturnList.vue'), props: { approvals: true }, meta: { perm: ['return.read', 'return.work'], api: ['GET', '/api/v1/returns'], title: 'menu.approvals' } },
      { path: 'kb', component: () => import('@/views/kb/KbList.vue'), meta: { perm: 'kb.read', title: 'menu.kb' } },
      { path: 'stock', component: () => import('@/views/stock/StockLevels.vue'), meta: { perm: 'stock.read', api: ['GET', '/api/v1/stock/levels'], title: 'menu.stock_levels' } },
      { path: 'stock/moves', component: () => import('@/views/stock/StockMoves.vue'), meta: { perm: 'stock.read', api: ['GET', '/api/v1/stock/moves'], title: 'menu.stock_moves' } },
      { path: 'stock/requisitions', component: () => import('@/views/stock/RequisitionList.vue'), meta: { perm: 'stock.read', api: ['GET', '/api/v1/stock/requisitions'], title: 'menu.stock_requisitions' } },
      { path: 'stock/requisitions/:id(\\d+)', component: () => import('@/views/stock/RequisitionDetail.vue'), meta: { perm: 'stock.read', api: ['GET', '/api/v1/stock/requisitions/{id}'], title: 'stock.req_detail' } },
      { path: 'stock/loans', component: () => import('@/views/stock/LoanList.vue'), meta: { perm: 'stock.read', api: ['GET', '/api/v1/stock/loans'], title: 'menu.stock_loans' } },
      { path: 'stock/transfers', component: () => import('@/views/stock/TransferList.vue'), meta: { perm: 'stock.read', api: ['GET', '/api/v1/stock/transfers'], title: 'menu.stock_transfers' } },
      { path: 'stock/counts', component: () => import('@/views/stock/CountList.vue'), meta: { perm: 'stock.read', api: ['GET', '/api/v1/stock/counts'], title: 'menu.stock_counts' } },
      { path: 'customers/:id(\\d+)', component: () => import('@/views/master/CustomerDetail.vue'), meta: { perm: 'customer.read', api: ['GET', '/api/v1/customers/{id}'], title: 'customer.detail' } },
      ...resources.map((r) => ({
        path: r.route,
        component: () => import('@/views/master/ResourceList.vue'),
        props: { name: r.name },
        meta: { perm: r.perm, api: ['GET', r.path] as [string, string], title: `menu.${r.name}` },
      })),
      { path: 'calendar/hours', component: () => import('@/views/admin/CalendarView.vue'), meta: { perm: 'calendar.read', api: ['GET', '/api/v1/calendar'], title: 'menu.calendar_hours' } },
      { path: 'sla/preview', component: () => import('@/views/admin/SlaPreviewView.vue'), meta: { perm: 'calendar.read', api: ['GET', '/api/v1/sla/preview'], title: 'menu.sla_preview' } },
      { path: 'admin/users', component: () => import('@/views/admin/UsersView.vue'), meta: { perm: 'user.read', title: 'menu.users' } },
      { path: 'admin/roles', component: () => import('@/views/admin/RolesView.vue'), meta: { perm: 'role.read', title: 'menu.roles' } },
      { path: 'admin/departments', component: () => import('@/views/admin/DepartmentsView.vue'), meta: { perm: 'department.read', title: 'menu.departments' } },
      { path: 'admin/audit', component: () => import('@/views/admin/AuditView.vue'), meta: { perm: 'audit.read', title: 'menu.audit' } },
      { path: 'portal', component: () => import('@/views/portal/PortalHome.vue'), meta: { portal: true, perm: 'request.read', title: 'portal.menu.home' } },
      { path: 'portal/new', component: () => import('@/views/portal/PortalNew.vue'), meta: { portal: true, perm: 'request.create', title: 'portal.menu.new' } },
      { path: 'portal/requests/:id(\\d+)', component: () => import('@/views/portal/PortalRequest.vue'), meta: { portal: true, perm: 'request.read', title: 'portal.request.title' } },
      { path: 'portal/returns/:id(\\d+)', component: () => import('@/views/portal/PortalReturn.vue'), meta: { portal: true, perm: 'return.read', api: ['GET', '/api/v1/returns/{id}'], title: 'portal.return.title' } },
      { path: 'portal/messages', component: () => import('@/views/portal/PortalMessages.vue'), meta: { portal: true, perm: 'notification.self', api: ['GET', '/api/v1/notifications'], title: 'portal.menu.messages' } },
      { path: 'account', component: () => import('@/views/AccountView.vue'), meta: { perm: 'account.self', anyone: true, title: 'menu.account' } },
      { path: 'forbidden', component: () => import('@/views/ForbiddenView.vue'), meta: { anyone: true, title: 'forbidden.title' } },
      { path: ':pathMatch(.*)*', component: () => import('@/views/NotFoundView.vue'), meta: { anyone: true, title: 'notfound.title' } },
    ],
  },
];

export const router = createRouter({ history: createWebHistory(), routes });

router.beforeEach(async (to) => {
  const s = useSession();
  await Promise.all([loadMeta(), s.ensure().catch(() => undefined)]);
  if (to.meta.public) return s.loggedIn && to.path === '/login' ? '/' : true;
  if (!s.loggedIn) return { path: '/login', query: to.fullPath !== '/' ? { redirect: to.fullPath } : {} };
  if (to.name === 'home') return s.isCustomer ? '/portal' : s.can('request.read') ? '/dashboard' : '/welcome';
  // the customer's portal and the staff screens are each other's 403
  if (!to.meta.anyone && !!to.meta.portal !== s.isCustomer) return '/forbidden';
  // a menu screen: the menu's own table decides, as it does for the menu
  const item = menuItemFor(to.path);
  if (item && !menuAllows(item, s, hasRoute)) return '/forbidden';
  if (to.meta.perm && !s.can(to.meta.perm)) return '/forbidden';
  if (to.meta.api && !hasRoute(to.meta.api[0], to.meta.api[1])) return '/forbidden';
  return true;
});
