import { createI18n } from 'vue-i18n';
import zhCN from './zh-CN.json';
import en from './en.json';

export type Lang = 'zh-CN' | 'en';
const saved = (localStorage.getItem('as_lang') as Lang | null) || 'zh-CN';

export const i18n = createI18n({
  legacy: false,
  locale: saved === 'en' ? 'en' : 'zh-CN',
  fallbackLocale: false,
  missingWarn: true,
  fallbackWarn: false,
  messages: { 'zh-CN': zhCN, en },
});

export function setLang(lang: Lang) {
  (i18n.global.locale as unknown as { value: string }).value = lang;
  localStorage.setItem('as_lang', lang);
  document.documentElement.lang = lang;
}

export function currentLang(): Lang {
  return (i18n.global.locale as unknown as { value: Lang }).value;
}

document.documentElement.lang = saved === 'en' ? 'en' : 'zh-CN';
