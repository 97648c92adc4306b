"""The demo content that `manage.py seed_demo` loads: accounts with their offers, orders and reviews, as data.

Every demo account's email address is `<username>@demo.coderr.invalid`; together with the username it is how
the command recognises the accounts it created (`.invalid` is a reserved top-level domain, so no mail sent to
it can reach anybody). Usernames are lowercase. Orders and reviews name accounts by username and offers by
title; `days_ago` dates them back so the frontend's "newest first" lists look lived-in. A business account's
`category` gives its offers' cover pictures their colours and icon (general_app.demo_images).
"""

from decimal import Decimal

DEMO_EMAIL_DOMAIN = "demo.coderr.invalid"
# The password of every demo account except the two guests (documented in the README).
DEMO_PASSWORD = "coderr-demo-2026"


def demo_email(username):
    return f"{username}@{DEMO_EMAIL_DOMAIN}"


def package(title, price, delivery_time_in_days, revisions, features):
    """One package: `revisions` -1 means unlimited; the price is a string so it stays an exact Decimal."""
    return {
        "title": title,
        "price": Decimal(price),
        "delivery_time_in_days": delivery_time_in_days,
        "revisions": revisions,
        "features": features,
    }


def offer(title, description, *, basic, standard, premium):
    return {
        "title": title,
        "description": description,
        "packages": {"basic": package(*basic), "standard": package(*standard), "premium": package(*premium)},
    }


def order(customer, business_user, offer_title, offer_type, status, days_ago):
    return {
        "customer": customer,
        "business_user": business_user,
        "offer": offer_title,
        "offer_type": offer_type,
        "status": status,
        "days_ago": days_ago,
    }


def review(reviewer, business_user, rating, description, days_ago):
    return {
        "reviewer": reviewer,
        "business_user": business_user,
        "rating": rating,
        "description": description,
        "days_ago": days_ago,
    }


# The frontend's guest buttons log in with these exact credentials. They are far too weak for the password
# validators, which is why only this command may set them. Kevin also owns two offers so that the business
# journey (own profile, offers, incoming orders, reviews) has content right after logging in as a guest.
GUEST_ACCOUNTS = [
    {
        "username": "kevin",
        "password": "asdasd24",
        "type": "business",
        "category": "development",
        "first_name": "Kevin",
        "last_name": "Kramer",
        "profile": {
            "location": "Berlin",
            "tel": "01701234567",
            "description": "Full-stack developer with eight years of Python and Django. I build REST APIs that "
            "stay fast as your product grows, and I review code with a focus on queries and tests.",
            "working_hours": "Mon-Fri 9:00-17:00",
        },
        "offers": [
            offer(
                "REST API development with Django",
                "A documented, tested REST API for your web or mobile app, built with Django REST Framework: "
                "token authentication, permissions, pagination and an OpenAPI schema your frontend team can use "
                "from day one.",
                basic=("Endpoint", "249.00", 4, 1, ["Up to 3 endpoints", "Token authentication", "Tests"]),
                standard=(
                    "API",
                    "890.00",
                    10,
                    3,
                    ["Up to 12 endpoints", "Token authentication", "OpenAPI documentation", "Tests for every endpoint"],
                ),
                premium=(
                    "Platform",
                    "1990.00",
                    21,
                    -1,
                    [
                        "Unlimited endpoints",
                        "Permissions and roles",
                        "OpenAPI documentation",
                        "CI pipeline",
                        "Deployment",
                    ],
                ),
            ),
            offer(
                "Code review and performance audit",
                "A second pair of eyes on your Python code base. I look for bugs, security issues and slow database "
                "access (N+1 queries, missing indexes) and explain every finding with a concrete fix.",
                basic=("Review", "119.00", 2, 0, ["Review of up to 1,000 lines", "Written findings"]),
                standard=(
                    "Audit",
                    "349.00",
                    5,
                    1,
                    ["Review of up to 5,000 lines", "Query and N+1 analysis", "Written findings"],
                ),
                premium=(
                    "Audit and fixes",
                    "749.00",
                    10,
                    2,
                    [
                        "Review of up to 15,000 lines",
                        "Query and N+1 analysis",
                        "Fixes as pull requests",
                        "Follow-up call",
                    ],
                ),
            ),
        ],
    },
    {
        "username": "andrey",
        "password": "asdasd",
        "type": "customer",
        "first_name": "Andrey",
        "last_name": "Petrov",
        "profile": {
            "location": "Hamburg",
            "tel": "01761234567",
            "description": "Founder of a small coffee roastery. I hire freelancers for our website, branding and "
            "online marketing.",
            "working_hours": "Mon-Sat 8:00-16:00",
        },
    },
]

DEMO_ACCOUNTS = [
    {
        "username": "maxweber",
        "type": "business",
        "category": "web",
        "first_name": "Max",
        "last_name": "Weber",
        "profile": {
            "location": "Berlin",
            "tel": "030123456789",
            "description": "Web developer for small and medium-sized businesses. Clean code, fast pages and "
            "websites you can maintain yourself.",
            "working_hours": "Mon-Fri 8:00-16:00",
        },
        "offers": [
            offer(
                "Responsive business website",
                "A fast, mobile-first website for your company, built with semantic HTML, modern CSS and a CMS you "
                "can edit yourself. Includes on-page SEO basics and a Lighthouse score above 90.",
                basic=(
                    "Starter",
                    "349.00",
                    7,
                    2,
                    ["Up to 3 pages", "Responsive design", "Contact form", "Basic on-page SEO"],
                ),
                standard=(
                    "Business",
                    "799.00",
                    14,
                    3,
                    ["Up to 8 pages", "Responsive design", "CMS integration", "Contact form with spam protection"],
                ),
                premium=(
                    "Professional",
                    "1499.99",
                    21,
                    -1,
                    ["Up to 15 pages", "Custom design", "CMS integration", "Blog setup", "Two languages"],
                ),
            ),
            offer(
                "Online shop setup with WooCommerce",
                "Your own online shop on WordPress and WooCommerce: products, payment and shipping configured, legal "
                "pages prepared and a short training so you can run it yourself.",
                basic=(
                    "Shop Basic",
                    "599.00",
                    10,
                    2,
                    ["Up to 20 products", "PayPal and Stripe", "Responsive theme"],
                ),
                standard=(
                    "Shop Plus",
                    "1199.00",
                    18,
                    3,
                    ["Up to 100 products", "Payment and shipping setup", "Product filters", "Legal page templates"],
                ),
                premium=(
                    "Shop Pro",
                    "2290.50",
                    30,
                    5,
                    [
                        "Unlimited products",
                        "Custom theme",
                        "Inventory sync",
                        "Newsletter integration",
                        "2-hour training",
                    ],
                ),
            ),
            offer(
                "Landing page for your product launch",
                "A focused one-page site that turns visitors into sign-ups: clear message, strong call to action, "
                "analytics from the first visitor on.",
                basic=("One-pager", "199.00", 3, 1, ["Single page", "Responsive design", "Call-to-action section"]),
                standard=(
                    "Conversion",
                    "389.00",
                    5,
                    2,
                    ["Single page", "A/B test variant", "Newsletter sign-up", "Analytics setup"],
                ),
                premium=(
                    "Campaign",
                    "649.90",
                    7,
                    4,
                    ["Two landing pages", "A/B test variant", "Conversion tracking", "Copy polishing"],
                ),
            ),
            offer(
                "WordPress maintenance and care",
                "Updates, backups and monitoring for your WordPress site, every month, so it stays secure and fast "
                "while you run your business.",
                basic=(
                    "Monthly check",
                    "49.00",
                    2,
                    0,
                    ["Core and plugin updates", "Daily backups", "Uptime monitoring"],
                ),
                standard=(
                    "Care",
                    "99.00",
                    2,
                    1,
                    ["Core and plugin updates", "Daily backups", "Security scan", "One hour of small changes"],
                ),
                premium=(
                    "Care Plus",
                    "179.00",
                    1,
                    3,
                    ["Core and plugin updates", "Daily backups", "Security hardening", "Three hours of changes"],
                ),
            ),
        ],
    },
    {
        "username": "sarahschmidt",
        "type": "business",
        "category": "design",
        "first_name": "Sarah",
        "last_name": "Schmidt",
        "profile": {
            "location": "Hamburg",
            "tel": "040987654321",
            "description": "Graphic designer with a soft spot for clear typography. Logos, brand identities and "
            "print design for start-ups and local businesses.",
            "working_hours": "Mon-Thu 9:00-18:00",
        },
        "offers": [
            offer(
                "Logo and brand identity",
                "A logo that works from favicon to billboard, and a visual identity around it: colours, typefaces and "
                "guidelines so everything you publish looks like you.",
                basic=("Logo", "249.00", 5, 2, ["2 logo concepts", "Vector files (SVG, PDF)", "PNG exports"]),
                standard=(
                    "Brand starter",
                    "549.00",
                    10,
                    4,
                    ["4 logo concepts", "Colour palette", "Typography pairing", "Vector files"],
                ),
                premium=(
                    "Brand identity",
                    "1190.00",
                    21,
                    -1,
                    ["6 logo concepts", "Brand guidelines", "Business card and letterhead", "Social media kit"],
                ),
            ),
            offer(
                "Social media graphics pack",
                "On-brand post and story templates for Instagram and LinkedIn that you can fill with new content in "
                "minutes.",
                basic=(
                    "10 posts",
                    "89.00",
                    3,
                    1,
                    ["10 post designs", "Instagram and LinkedIn formats", "Editable Canva templates"],
                ),
                standard=(
                    "25 posts",
                    "189.00",
                    5,
                    2,
                    ["25 post designs", "Story templates", "Editable Canva templates"],
                ),
                premium=(
                    "Full kit",
                    "349.50",
                    7,
                    3,
                    [
                        "50 post designs",
                        "Story and reel covers",
                        "Profile and banner images",
                        "Editable Canva templates",
                    ],
                ),
            ),
            offer(
                "Flyer and brochure design",
                "Print material that gets read: flyers, folded leaflets and brochures, delivered as print-ready PDFs "
                "with bleed.",
                basic=("Flyer", "79.00", 3, 2, ["A5 or A6 flyer", "Double-sided", "Print-ready PDF"]),
                standard=(
                    "Folded flyer",
                    "159.00",
                    5,
                    3,
                    ["Tri-fold or bi-fold", "Print-ready PDF with bleed", "Stock photo selection"],
                ),
                premium=(
                    "Brochure",
                    "429.00",
                    10,
                    4,
                    [
                        "Up to 12 pages",
                        "Print-ready PDF with bleed",
                        "Stock photo selection",
                        "Print shop coordination",
                    ],
                ),
            ),
            offer(
                "Business card design",
                "Business cards that people keep: a design that matches your brand, ready for any print shop.",
                basic=("Classic", "39.00", 2, 1, ["Single-sided", "Print-ready PDF"]),
                standard=("Double-sided", "69.00", 3, 2, ["Double-sided", "2 design concepts", "Print-ready PDF"]),
                premium=(
                    "Premium finish",
                    "119.99",
                    4,
                    3,
                    ["Double-sided", "3 design concepts", "Spot UV or foil layout", "QR code"],
                ),
            ),
        ],
    },
    {
        "username": "thomasmueller",
        "type": "business",
        "category": "mobile",
        "first_name": "Thomas",
        "last_name": "Müller",
        "profile": {
            "location": "München",
            "tel": "089246813579",
            "description": "Mobile developer (Flutter, Swift, Kotlin). From the first prototype to the App Store "
            "release and beyond.",
            "working_hours": "Mon-Fri 10:00-18:00",
        },
        "offers": [
            offer(
                "Cross-platform app with Flutter",
                "One code base, two stores: a native-feeling iOS and Android app built with Flutter, with a backend "
                "that fits your budget.",
                basic=(
                    "MVP",
                    "2490.00",
                    30,
                    2,
                    ["Up to 5 screens", "iOS and Android", "Firebase backend", "Source code"],
                ),
                standard=(
                    "Product",
                    "4990.00",
                    45,
                    3,
                    ["Up to 12 screens", "User accounts", "Push notifications", "REST API integration"],
                ),
                premium=(
                    "Scale",
                    "8990.00",
                    75,
                    -1,
                    ["Unlimited screens", "Payments", "Offline mode", "Admin dashboard", "3 months of support"],
                ),
            ),
            offer(
                "Clickable app prototype in Figma",
                "See and test your app before a single line of code is written: wireframes, high-fidelity screens and "
                "a clickable prototype for user tests and investors.",
                basic=(
                    "Wireframes",
                    "299.00",
                    5,
                    2,
                    ["Up to 6 screens", "Low-fidelity wireframes", "User flow diagram"],
                ),
                standard=(
                    "Prototype",
                    "649.00",
                    8,
                    3,
                    ["Up to 12 screens", "High-fidelity design", "Clickable prototype"],
                ),
                premium=(
                    "Design system",
                    "1190.00",
                    14,
                    5,
                    ["Up to 25 screens", "Clickable prototype", "Component library", "Developer handoff"],
                ),
            ),
            offer(
                "App Store and Google Play launch",
                "Store listings, screenshots and the whole submission process, including the back-and-forth with "
                "Apple's and Google's reviewers.",
                basic=(
                    "Submission",
                    "149.00",
                    3,
                    1,
                    ["Store listing for one platform", "Submission and review handling"],
                ),
                standard=(
                    "Both stores",
                    "279.00",
                    5,
                    2,
                    ["Listings for iOS and Android", "Screenshots in 3 sizes", "Submission and review handling"],
                ),
                premium=(
                    "Launch",
                    "499.00",
                    7,
                    3,
                    ["Listings for iOS and Android", "Preview video", "Keyword research (ASO)", "Release checklist"],
                ),
            ),
            offer(
                "Bug fixing for iOS and Android apps",
                "Crashes, layout glitches or a broken build after an OS update: I find the root cause, fix it and add "
                "a test so it stays fixed.",
                basic=("Single fix", "89.00", 2, 1, ["One bug", "Root-cause analysis", "Fix with test"]),
                standard=("Bundle", "239.00", 4, 2, ["Up to 4 bugs", "Crash log analysis", "Fixes with tests"]),
                premium=(
                    "Stabilise",
                    "590.00",
                    7,
                    3,
                    ["Up to 10 bugs", "Crash log analysis", "Dependency updates", "Release build"],
                ),
            ),
        ],
    },
    {
        "username": "juliafischer",
        "type": "business",
        "category": "marketing",
        "first_name": "Julia",
        "last_name": "Fischer",
        "profile": {
            "location": "Köln",
            "tel": "0221555123",
            "description": "Digital marketer: search engine optimisation, paid ads and newsletters that are "
            "measured, not guessed.",
            "working_hours": "Tue-Fri 9:00-17:00",
        },
        "offers": [
            offer(
                "SEO audit and action plan",
                "Why does your site not rank? A technical and content audit with a prioritised list of what to fix "
                "first and what it will bring.",
                basic=("Quick audit", "149.00", 3, 0, ["Technical SEO check", "Top 10 issues", "PDF report"]),
                standard=(
                    "Full audit",
                    "349.00",
                    7,
                    1,
                    ["Technical and content audit", "Keyword gap analysis", "Prioritised action plan"],
                ),
                premium=(
                    "Audit and coaching",
                    "690.00",
                    14,
                    2,
                    ["Technical and content audit", "Keyword research", "Competitor analysis", "Two coaching calls"],
                ),
            ),
            offer(
                "Google Ads campaign setup",
                "Search and display campaigns set up properly: clean account structure, conversion tracking and "
                "negative keywords, so your budget buys customers and not clicks.",
                basic=(
                    "Search campaign",
                    "199.00",
                    4,
                    1,
                    ["1 search campaign", "Up to 3 ad groups", "Conversion tracking"],
                ),
                standard=(
                    "Growth",
                    "449.00",
                    7,
                    2,
                    ["Search and display campaigns", "Up to 8 ad groups", "Conversion tracking", "Negative keywords"],
                ),
                premium=(
                    "Performance",
                    "899.00",
                    10,
                    3,
                    ["Up to 4 campaigns", "Shopping or Performance Max", "Conversion tracking", "30 days of tuning"],
                ),
            ),
            offer(
                "Social media strategy and content plan",
                "Which channels, which audience, what to post and when: a strategy you can follow, with an optional "
                "month of managed posting.",
                basic=("Strategy", "249.00", 5, 1, ["Channel analysis", "Audience personas", "Posting schedule"]),
                standard=(
                    "Strategy and plan",
                    "499.00",
                    10,
                    2,
                    ["Channel analysis", "Audience personas", "30-day content plan", "Hashtag research"],
                ),
                premium=(
                    "Managed month",
                    "1099.00",
                    30,
                    3,
                    ["Strategy and 30-day plan", "20 posts created and scheduled", "Community management", "Report"],
                ),
            ),
            offer(
                "Email newsletter campaign",
                "Newsletters people open: a responsive template, well-written mailings and automations that welcome "
                "new subscribers.",
                basic=("Single mailing", "129.00", 3, 1, ["Responsive template", "Copy for one mailing", "Test sends"]),
                standard=(
                    "Series",
                    "319.00",
                    7,
                    2,
                    ["Template and 3 mailings", "Audience segmentation", "A/B subject lines"],
                ),
                premium=(
                    "Automation",
                    "749.00",
                    14,
                    -1,
                    ["Welcome automation (5 mails)", "Audience segmentation", "A/B testing", "Reporting dashboard"],
                ),
            ),
        ],
    },
    {
        "username": "annabecker",
        "type": "business",
        "category": "writing",
        "first_name": "Anna",
        "last_name": "Becker",
        "profile": {
            "location": "Frankfurt am Main",
            "tel": "069777888999",
            "description": "Copywriter and editor in English and German. Blog articles, website copy and product "
            "texts that sound like you and rank on Google.",
            "working_hours": "Mon-Fri 9:00-15:00",
        },
        "offers": [
            offer(
                "SEO blog articles",
                "Well-researched blog articles that answer your customers' questions and bring search traffic, "
                "written for readers first.",
                basic=("1 article", "79.00", 3, 1, ["Up to 800 words", "Keyword research", "Meta description"]),
                standard=(
                    "4 articles",
                    "289.00",
                    10,
                    2,
                    ["Up to 1,200 words each", "Keyword research", "Meta descriptions", "Internal linking"],
                ),
                premium=(
                    "Content hub",
                    "749.00",
                    21,
                    3,
                    ["10 articles up to 1,500 words", "Topic cluster plan", "Meta descriptions", "Royalty-free images"],
                ),
            ),
            offer(
                "Website copywriting",
                "Website texts that explain in seconds what you do and why it matters, in your tone of voice.",
                basic=("Homepage", "189.00", 4, 2, ["Homepage copy", "Headline variants", "Feedback call"]),
                standard=("Five pages", "449.00", 8, 3, ["Up to 5 pages", "Tone of voice guide", "SEO keywords"]),
                premium=(
                    "Full website",
                    "890.00",
                    14,
                    -1,
                    ["Up to 12 pages", "Tone of voice guide", "SEO keywords", "Microcopy for buttons and forms"],
                ),
            ),
            offer(
                "Product descriptions for online shops",
                "Product texts that sell: benefits first, the right keywords and a consistent style across your "
                "whole catalogue.",
                basic=("10 products", "59.00", 2, 1, ["10 descriptions", "Up to 150 words each"]),
                standard=("30 products", "159.00", 5, 2, ["30 descriptions", "Up to 200 words each", "SEO keywords"]),
                premium=(
                    "100 products",
                    "449.00",
                    12,
                    2,
                    ["100 descriptions", "Up to 200 words each", "SEO keywords", "Feature bullet points"],
                ),
            ),
            offer(
                "Proofreading and editing (English and German)",
                "Spelling, grammar and style checked by a native-level editor, with comments that explain every "
                "larger change.",
                basic=("Proofread", "29.90", 1, 0, ["Up to 1,000 words", "Spelling and grammar"]),
                standard=("Edit", "69.90", 2, 1, ["Up to 3,000 words", "Spelling and grammar", "Style and clarity"]),
                premium=(
                    "Deep edit",
                    "149.90",
                    4,
                    2,
                    ["Up to 8,000 words", "Spelling and grammar", "Style and structure", "Explained changes"],
                ),
            ),
        ],
    },
    {
        "username": "michaelhoffmann",
        "type": "business",
        "category": "video",
        "first_name": "Michael",
        "last_name": "Hoffmann",
        "profile": {
            "location": "Stuttgart",
            "tel": "0711333444",
            "description": "Filmmaker and motion designer. Explainer videos, image films and social clips, from "
            "script to final cut.",
            "working_hours": "Mon-Fri 9:00-18:00",
        },
        "offers": [
            offer(
                "Animated explainer video",
                "Explain your product in under two minutes: script, storyboard, 2D animation and a professional "
                "voice-over.",
                basic=("30 seconds", "390.00", 7, 2, ["30-second 2D animation", "Script", "Background music"]),
                standard=(
                    "60 seconds",
                    "690.00",
                    12,
                    3,
                    ["60-second 2D animation", "Script and storyboard", "Professional voice-over", "Background music"],
                ),
                premium=(
                    "90 seconds",
                    "1290.00",
                    20,
                    4,
                    ["90-second 2D animation", "Professional voice-over", "Subtitles in 2 languages", "4K export"],
                ),
            ),
            offer(
                "Corporate image film",
                "Show the people behind your company: a short film shot on location, with interviews, b-roll and "
                "licensed music.",
                basic=("Half day", "890.00", 10, 1, ["Half-day shoot", "1-minute film", "Colour grading"]),
                standard=(
                    "Full day",
                    "1590.00",
                    14,
                    2,
                    ["Full-day shoot", "2-minute film", "Two interviews", "Colour grading", "Licensed music"],
                ),
                premium=(
                    "Campaign",
                    "2990.00",
                    21,
                    3,
                    ["Two shooting days", "3-minute film", "Drone footage", "Three social cut-downs"],
                ),
            ),
            offer(
                "Short video clips for social media",
                "Vertical clips for Reels, TikTok and Shorts, cut from your footage or filmed for you, with captions "
                "that work without sound.",
                basic=("3 clips", "149.00", 3, 1, ["3 clips up to 30 seconds", "Vertical format", "Captions"]),
                standard=(
                    "8 clips",
                    "349.00",
                    6,
                    2,
                    ["8 clips up to 45 seconds", "Vertical and square formats", "Captions", "Royalty-free music"],
                ),
                premium=(
                    "20 clips",
                    "749.00",
                    12,
                    3,
                    ["20 clips up to 60 seconds", "All formats", "Captions and motion graphics", "Royalty-free music"],
                ),
            ),
            offer(
                "Professional video editing",
                "Send me your raw footage and get back a polished video: cut, colour-graded, mixed and titled.",
                basic=(
                    "Up to 5 minutes",
                    "99.00",
                    2,
                    1,
                    ["Up to 5 minutes of footage", "Cuts and transitions", "Colour correction"],
                ),
                standard=(
                    "Up to 15 minutes",
                    "229.00",
                    4,
                    2,
                    ["Up to 15 minutes of footage", "Colour grading", "Sound mixing", "Titles"],
                ),
                premium=(
                    "Up to 45 minutes",
                    "499.00",
                    7,
                    -1,
                    ["Up to 45 minutes of footage", "Colour grading", "Sound mixing", "Motion graphics", "Subtitles"],
                ),
            ),
        ],
    },
    {
        "username": "lisameyer",
        "type": "customer",
        "first_name": "Lisa",
        "last_name": "Meyer",
        "profile": {
            "location": "Leipzig",
            "tel": "0341222333",
            "description": "Marketing lead at a yoga studio chain.",
            "working_hours": "Mon-Fri 9:00-17:00",
        },
    },
    {
        "username": "jonaswagner",
        "type": "customer",
        "first_name": "Jonas",
        "last_name": "Wagner",
        "profile": {
            "location": "Dresden",
            "tel": "0351444555",
            "description": "Building a bike-sharing app with two friends.",
            "working_hours": "Evenings and weekends",
        },
    },
    {
        "username": "emmaschulz",
        "type": "customer",
        "first_name": "Emma",
        "last_name": "Schulz",
        "profile": {
            "location": "Bremen",
            "tel": "0421666777",
            "description": "I run an online shop for handmade ceramics.",
            "working_hours": "Mon-Fri 10:00-16:00",
        },
    },
]

# Every status appears, and every business user has incoming orders (kevin in all three statuses).
ORDERS = [
    order("andrey", "kevin", "REST API development with Django", "standard", "in_progress", 2),
    order("andrey", "kevin", "Code review and performance audit", "basic", "completed", 31),
    order("andrey", "maxweber", "Responsive business website", "premium", "in_progress", 5),
    order("andrey", "sarahschmidt", "Logo and brand identity", "standard", "completed", 46),
    order("andrey", "juliafischer", "SEO audit and action plan", "basic", "cancelled", 21),
    order("andrey", "annabecker", "Proofreading and editing (English and German)", "basic", "completed", 15),
    order("lisameyer", "maxweber", "Landing page for your product launch", "basic", "completed", 62),
    order("lisameyer", "sarahschmidt", "Social media graphics pack", "premium", "in_progress", 3),
    order("lisameyer", "annabecker", "SEO blog articles", "standard", "completed", 26),
    order("lisameyer", "michaelhoffmann", "Animated explainer video", "standard", "in_progress", 8),
    order("lisameyer", "kevin", "REST API development with Django", "premium", "cancelled", 16),
    order("jonaswagner", "thomasmueller", "Cross-platform app with Flutter", "premium", "in_progress", 12),
    order("jonaswagner", "thomasmueller", "Clickable app prototype in Figma", "basic", "completed", 71),
    order("jonaswagner", "juliafischer", "Google Ads campaign setup", "standard", "completed", 36),
    order("jonaswagner", "michaelhoffmann", "Short video clips for social media", "basic", "completed", 29),
    order("jonaswagner", "kevin", "Code review and performance audit", "standard", "in_progress", 1),
    order("emmaschulz", "annabecker", "Product descriptions for online shops", "premium", "in_progress", 4),
    order("emmaschulz", "sarahschmidt", "Business card design", "basic", "cancelled", 19),
    order("emmaschulz", "michaelhoffmann", "Professional video editing", "standard", "completed", 41),
    order("emmaschulz", "maxweber", "WordPress maintenance and care", "standard", "completed", 52),
    order("emmaschulz", "juliafischer", "Email newsletter campaign", "premium", "in_progress", 6),
]

# One review per (reviewer, business user), every rating from 1 to 5 and every business user reviewed.
REVIEWS = [
    review(
        "andrey",
        "kevin",
        5,
        "Kevin found three N+1 queries that made our shop slow and explained each one. Page loads are twice as fast.",
        30,
    ),
    review("andrey", "sarahschmidt", 5, "Our new logo gets compliments from customers every week. Great process.", 44),
    review(
        "andrey",
        "juliafischer",
        2,
        "We had to cancel: the first draft took much longer than promised. Friendly, though.",
        20,
    ),
    review("andrey", "annabecker", 4, "Quick and careful proofreading of our menu texts. Would book again.", 14),
    review(
        "lisameyer", "maxweber", 5, "The landing page converts better than our old site ever did. Thank you, Max!", 60
    ),
    review("lisameyer", "annabecker", 4, "Four solid articles, well researched. One needed a second round.", 24),
    review(
        "lisameyer",
        "kevin",
        3,
        "Competent, but we could not agree on the scope in time and cancelled the order.",
        15,
    ),
    review(
        "jonaswagner",
        "thomasmueller",
        5,
        "The prototype convinced our investors. Thomas thinks like a product owner, not just a designer.",
        69,
    ),
    review("jonaswagner", "juliafischer", 4, "Campaigns are running well and the tracking finally works.", 34),
    review("jonaswagner", "michaelhoffmann", 4, "Nice clips with good captions. Delivery was a day late.", 27),
    review("emmaschulz", "michaelhoffmann", 5, "Turned two hours of shaky footage into a video we are proud of.", 39),
    review("emmaschulz", "maxweber", 4, "Reliable monthly care, the site has not been down once.", 50),
    review(
        "emmaschulz",
        "sarahschmidt",
        1,
        "The designs did not match our brief at all and we cancelled after the second try.",
        18,
    ),
]
