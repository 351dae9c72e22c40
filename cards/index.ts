export { requestCard } from './requestCard';
export { tenantListCard } from './tenantListCard';
export { ADAPTIVE_CARD_CONTENT_TYPE, type CardAttachment } from './render';
export { chooseTenantCard, historyCard, userSearchCard, usersCard } from './accountCards';
