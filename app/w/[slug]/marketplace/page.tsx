import { SectionPlaceholder, sectionMetadata } from "../../../_components/section-placeholder";

export const metadata = sectionMetadata("marketplace");

export default function MarketplacePage() {
  return <SectionPlaceholder id="marketplace" />;
}
