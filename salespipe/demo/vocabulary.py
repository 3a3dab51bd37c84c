"""The French words the demo data is made of: names, trades, towns, deals, actions."""

FEMALE_FIRST_NAMES = (
    "Marie", "Nathalie", "Isabelle", "Sylvie", "Catherine", "Sophie", "Julie", "Camille",
    "Léa", "Manon", "Chloé", "Emma", "Inès", "Sarah", "Laura", "Céline", "Aurélie", "Élodie",
    "Anne", "Claire", "Hélène", "Valérie", "Christine", "Agnès", "Gaëlle", "Solène", "Margaux",
    "Amandine", "Mathilde", "Pauline",
)  # fmt: skip

MALE_FIRST_NAMES = (
    "Jean", "Pierre", "Michel", "Philippe", "Alain", "Nicolas", "Julien", "Thomas", "Antoine",
    "Maxime", "Alexandre", "Romain", "Mathieu", "Guillaume", "Sébastien", "Olivier",
    "François", "Laurent", "Éric", "David", "Hugo", "Lucas", "Louis", "Arthur", "Théo",
    "Baptiste", "Yannick", "Benoît", "Jérôme", "Frédéric", "Stéphane", "Cédric", "Loïc",
)  # fmt: skip

LAST_NAMES = (
    "Martin", "Bernard", "Thomas", "Petit", "Robert", "Richard", "Durand", "Dubois", "Moreau",
    "Laurent", "Simon", "Michel", "Lefèvre", "Leroy", "Roux", "David", "Bertrand", "Morel",
    "Fournier", "Girard", "Bonnet", "Dupont", "Lambert", "Fontaine", "Rousseau", "Vincent",
    "Muller", "Lefebvre", "Faure", "André", "Mercier", "Blanc", "Guérin", "Boyer", "Garnier",
    "Chevalier", "Legrand", "Gauthier", "Garcia", "Perrin", "Robin", "Clément", "Morin",
    "Henry", "Roussel", "Mathieu", "Masson", "Marchand", "Duval", "Denis", "Dumont",
    "Lemaire", "Noël", "Meyer", "Dufour", "Meunier", "Brun", "Blanchard", "Giraud", "Joly",
    "Rivière", "Brunet", "Gaillard", "Barbier", "Arnaud", "Gérard", "Roche", "Renard",
    "Schmitt", "Roy", "Leroux", "Colin", "Vidal", "Caron", "Picard", "Fabre", "Aubert",
    "Lemoine", "Renaud", "Dumas", "Lacroix", "Bourgeois", "Rey", "Leclerc", "Payet",
    "Rolland", "Lecomte", "Dupuy", "Guillot", "Hubert", "Berger", "Carpentier", "Dupuis",
    "Moulin", "Deschamps", "Huet", "Vasseur", "Boucher", "Fleury", "Royer", "Klein",
    "Jacquet", "Poirier", "Marty", "Aubry", "Guyot", "Carré", "Renault", "Charpentier",
    "Ménard", "Maillard", "Baron", "Bertin", "Bailly", "Hervé", "Schneider", "Le Gall",
    "Collet", "Léger", "Bouvier", "Prévost", "Millet", "Perrot", "Le Roux", "Cousin",
    "Germain", "Breton", "Besson", "Langlois", "Rémy", "Le Goff", "Pelletier", "Lévêque",
    "Perrier", "Leblanc", "Barré", "Lebrun", "Marchal", "Weber", "Mallet", "Hamon",
    "Boulanger", "Monnier", "Michaud", "Guichard", "Gillet", "Étienne", "Tessier", "Chauvin",
    "Bouchet", "Lemaître", "Maréchal", "Humbert", "Reynaud", "Perret", "Barthélemy",
    "Cordier", "Pichon", "Lejeune", "Gilbert", "Lamy", "Delaunay", "Pasquier", "Laporte",
)  # fmt: skip

SWISS_LAST_NAMES = (
    "Favre", "Rochat", "Bonvin", "Fellay", "Dubuis", "Pittet", "Cuénod", "Jaquet", "Gerber",
    "Chappuis", "Monnet", "Rossier", "Zufferey", "Décosterd", "Vuilleumier", "Baumann",
)  # fmt: skip

FRENCH_TOWNS = (
    "Paris", "Lyon", "Marseille", "Toulouse", "Nantes", "Bordeaux", "Lille", "Rennes",
    "Strasbourg", "Montpellier", "Grenoble", "Dijon", "Angers", "Tours", "Clermont-Ferrand",
    "Limoges", "Annecy", "Brest", "Reims", "Metz", "Nancy", "Rouen", "Caen", "Orléans",
    "Poitiers", "Nîmes", "Avignon", "Pau", "Bayonne", "La Rochelle", "Valence", "Chambéry",
    "Besançon", "Perpignan", "Quimper", "Vannes", "Lorient", "Saint-Malo", "Troyes", "Amiens",
    "Villeurbanne", "Vienne", "Roanne", "Bourg-en-Bresse", "Mâcon", "Vichy", "Aurillac",
)  # fmt: skip

SWISS_TOWNS = (
    "Genève", "Lausanne", "Neuchâtel", "Fribourg", "Sion", "Montreux", "Nyon", "Vevey",
    "Yverdon-les-Bains", "Delémont", "Martigny", "Morges", "Bulle", "La Chaux-de-Fonds",
)  # fmt: skip

# "{name}" is a family name, "{town}" a town, "{word}" a brand-like word.
ACCOUNT_PATTERNS = (
    "Boulangerie {name}", "Pâtisserie {name}", "Pharmacie {name}", "Garage {name}",
    "Cabinet {name}", "Cabinet {name} & Associés", "Étude {name}", "Menuiserie {name}",
    "Plomberie {name}", "Transports {name}", "Imprimerie {name}", "Fromagerie {name}",
    "Librairie {name}", "{name} Immobilier", "Cabinet dentaire {name}", "Laboratoire {name}",
    "Pépinières {name}", "Établissements {name}", "Maison {name}", "Brasserie {name}",
    "Domaine {name}", "Ambulances {name}", "Électricité {name}", "Couverture {name}",
    "{name} et Fils", "{name} Frères", "SARL {name} Bâtiment", "SAS {word} Conseil",
    "SA {name} Industries", "EURL {name} Services", "SAS {word} Logistique",
    "{word} Informatique", "SAS {word} Énergies", "SARL {word} Nettoyage",
    "Pharmacie du Centre de {town}", "Hôtel de la Gare de {town}", "Mairie de {town}",
    "Clinique {word} de {town}", "Office de tourisme de {town}", "Golf de {town}",
    "Communauté de communes de {town}", "Crèche {word} de {town}", "EHPAD Les Tilleuls de {town}",
    "Camping {word} de {town}", "Auto-école {name}", "Agence {word} Voyages",
)  # fmt: skip

SWISS_PATTERNS = (
    "{name} Sàrl", "{name} SA", "Fiduciaire {name}", "Boulangerie {name}", "Garage {name} SA",
    "Cave {name}", "{word} Horlogerie SA", "Étude {name}", "Commune de {town}",
    "Hôtel {word} de {town}", "Fondation {word}", "{word} Services Sàrl",
)  # fmt: skip

BRAND_WORDS = (
    "Horizon", "Atlas", "Azur", "Alpha", "Néo", "Lumière", "Cristal", "Boréal", "Vallée",
    "Océan", "Armor", "Provence", "Alpes", "Cévennes", "Nova", "Delta", "Opale", "Émeraude",
    "Iroise", "Mistral", "Ventoux", "Léman", "Jura", "Saphir", "Trèfle", "Aubépine",
)  # fmt: skip

# A function as said of a man, and of a woman.
FUNCTIONS = (
    ("Directeur général", "Directrice générale"), ("Gérant", "Gérante"),
    ("Président", "Présidente"), ("Directeur administratif et financier",
    "Directrice administrative et financière"), ("Responsable informatique",) * 2,
    ("DSI",) * 2, ("Responsable des achats",) * 2, ("Assistant de direction",
    "Assistante de direction"), ("Comptable",) * 2, ("Responsable RH",) * 2,
    ("Chef de projet", "Cheffe de projet"), ("Directeur commercial", "Directrice commerciale"),
    ("Office manager",) * 2, ("Responsable qualité",) * 2, ("Secrétaire général",
    "Secrétaire générale"), ("Responsable logistique",) * 2, ("Pharmacien titulaire",
    "Pharmacienne titulaire"), ("Notaire associé", "Notaire associée"),
)  # fmt: skip

CALL_NAMES = (
    "Refonte du site", "Migration ERP", "Déploiement CRM", "Renouvellement des licences",
    "Audit sécurité", "Formation Excel avancé", "Infogérance du parc", "Mise en place de la GED",
    "Application mobile", "Maintenance annuelle", "Support niveau 2", "Migration vers le cloud",
    "Refonte de l'intranet", "Logiciel de paie", "Portail fournisseurs",
    "Dématérialisation des factures", "Tierce maintenance applicative", "Formation RGPD",
    "Sauvegarde externalisée", "Téléphonie IP", "Renouvellement du parc PC", "Site e-commerce",
    "Tableaux de bord", "Formation des utilisateurs", "Plan de reprise d'activité",
    "Câblage des nouveaux locaux", "Messagerie collaborative", "Extranet clients",
    "Audit RGPD", "Accompagnement à la facturation électronique",
)  # fmt: skip

CALL_SUFFIXES = (
    "", "", "", "", "", " – phase 2", " – lot 1", " – lot 2", " (extension)", " – siège",
    " – agences", " – pilote",
)  # fmt: skip

DESCRIPTIONS = (
    "Le client souhaite un démarrage avant la fin du trimestre.",
    "Demande reçue via le formulaire du site ; budget validé en comité de direction.",
    "Rencontré au salon régional, très intéressé par une démonstration.",
    "Concurrence en place depuis dix ans, contrat arrivant à échéance.",
    "Projet porté par la nouvelle direction financière.",
    "Besoin de reprendre les données de l'ancien logiciel.",
    "Appel d'offres public, réponse attendue sous quatre semaines.",
    "Le client veut un interlocuteur unique pour l'ensemble des sites.",
    "Décision en attente du renouvellement du bail des locaux.",
    "Recommandé par un client existant, relation de confiance.",
)

TEAMS = ("Grands comptes", "PME et ETI", "Secteur public", "Avant-vente", "Inside sales")
DEPARTMENTS = (
    "Direction commerciale",
    "Agence Lyon",
    "Agence Paris",
    "Agence Nantes",
    "Agence Genève",
)

ACTION_SUBJECTS = {
    "call": ("Appeler pour faire le point", "Rappeler l'interlocuteur", "Qualifier le besoin"),
    "demo": ("Démonstration de la solution", "Démonstration aux utilisateurs clés"),
    "meeting": ("Rendez-vous de découverte", "Réunion de lancement", "Comité de pilotage"),
    "proposal": ("Envoyer la proposition commerciale", "Envoyer le devis révisé"),
    "email": ("Relance par e-mail", "Envoyer la documentation", "Confirmer le rendez-vous"),
    "other": ("Préparer la soutenance", "Visite des locaux", "Vérifier les références"),
}
