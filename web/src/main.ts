import { createApp } from 'vue';
import { createPinia } from 'pinia';
import 'element-plus/theme-chalk/base.css';
import 'element-plus/es/components/message/style/css';
import 'element-plus/es/components/message-box/style/css';
import App from './App.vue';
import { i18n } from './i18n';
import { router } from './router';
import { setUnauthenticatedHandler } from './api/client';
import { useSession } from './stores/session';
import { registerForm, unregisterForm } from './utils/errors';
import './styles.css';

const app = createApp(App);
app.use(createPinia());
app.use(i18n);
app.use(router);
// every el-form on screen is known to showError, which marks the field an API error names
app.mixin({
  mounted() {
    const i = this.$;
    if (i.type.name === 'ElForm' && i.exposed && this.$el instanceof Element) registerForm(i.exposed as never, this.$el);
  },
  unmounted() {
    const i = this.$;
    if (i.type.name === 'ElForm' && i.exposed) unregisterForm(i.exposed as never);
  },
});

setUnauthenticatedHandler(() => {
  const s = useSession();
  if (!s.loggedIn) return;
  s.clear();
  const cur = router.currentRoute.value;
  if (!cur.meta.public) router.replace({ path: '/login', query: { redirect: cur.fullPath } });
});

app.mount('#app');
